"""Time ``relais demo generate`` on a fresh SQLite database (or RELAIS_DATABASE_URL).

    .venv/bin/python bench/generate_timing.py 10000 100000

Each size runs in its own fresh temporary database, through the real command line, so the
number is what a user waits for (migrations excluded)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RELAIS = str(Path(sys.executable).with_name("relais"))


def run(learners: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("RELAIS_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        env = {**os.environ, "RELAIS_DATABASE_URL": url}
        subprocess.run([RELAIS, "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        done = subprocess.run(
            [
                RELAIS,
                "demo",
                "generate",
                "--learners",
                str(learners),
                "--organisation",
                f"Bench {learners} {int(started)}",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        print(done.stdout, end="")
        return elapsed


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000]
    for learners in sizes:
        elapsed = run(learners)
        print(f"{learners:>9,} learners: {elapsed:6.1f} s (process wall time)\n", flush=True)


if __name__ == "__main__":
    main()
