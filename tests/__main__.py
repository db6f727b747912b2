"""Run the whole suite once per database: ``python -m tests``.

SQLite always; PostgreSQL too when ``RELAIS_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it).
The runs go side by side, each spread over pytest-xdist workers (one database per worker): the
SQLite run prints as it goes, the PostgreSQL run's output is kept in a file and printed after
it. Extra arguments go to pytest (``-n 0`` runs in one process). Exits non-zero if any run fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from typing import IO


def _workers(args: list[str]) -> list[str]:
    """``-n <CPUs>`` for each run, unless asked otherwise, xdist is absent or there is one CPU.

    Both runs get every CPU: the runs overlap, and the one that ends last still uses them all.
    """
    asked = any(a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in args)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if asked or (cpus or 1) < 2 or importlib.util.find_spec("xdist") is None:
        return []
    return ["-n", str(cpus)]


def main() -> int:
    targets = [("sqlite", "")]
    postgres = os.environ.get("RELAIS_TEST_POSTGRES_URL")
    if postgres:
        targets.append(("postgresql", postgres))
    elif os.environ.get("CI"):
        print("RELAIS_TEST_POSTGRES_URL is not set: CI must run the suite on PostgreSQL too.")
        return 2
    args = sys.argv[1:]
    command = [sys.executable, "-m", "pytest", *_workers(args), *args]
    started = time.monotonic()
    runs: list[tuple[str, subprocess.Popen[bytes], IO[bytes] | None]] = []
    for index, (name, url) in enumerate(targets):
        env = {**os.environ, "RELAIS_TEST_DATABASE_URL": url}
        # The first run prints live; the others write to a file, shown once the first is done.
        log = None if index == 0 else tempfile.TemporaryFile()  # noqa: SIM115
        if log is None:
            print(f"\n=== test suite on {name} ===", flush=True)
        runs.append((name, subprocess.Popen(command, env=env, stdout=log, stderr=log), log))
    failed = []
    for name, process, log in runs:
        code = process.wait()
        if log is not None:
            print(f"\n=== test suite on {name} ===", flush=True)
            log.seek(0)
            sys.stdout.buffer.write(log.read())
            sys.stdout.buffer.flush()
            log.close()
        print(f"--- {name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    ran = ", ".join(n for n, _ in targets)
    verdict = f"FAILED on {', '.join(failed)}" if failed else "green"
    print(f"\n=== suite {verdict} (ran on {ran}) ===")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
