"""Run the whole suite once per database: ``python -m tests``.

SQLite always; PostgreSQL too when ``RELAIS_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it).
Extra arguments go to pytest. Exits non-zero if any run fails."""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    targets = [("sqlite", "")]
    postgres = os.environ.get("RELAIS_TEST_POSTGRES_URL")
    if postgres:
        targets.append(("postgresql", postgres))
    elif os.environ.get("CI"):
        print("RELAIS_TEST_POSTGRES_URL is not set: CI must run the suite on PostgreSQL too.")
        return 2
    failed = []
    for name, url in targets:
        print(f"\n=== test suite on {name} ===", flush=True)
        env = {**os.environ, "RELAIS_TEST_DATABASE_URL": url}
        code = subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]], env=env)
        if code != 0:
            failed.append(name)
    ran = ", ".join(n for n, _ in targets)
    verdict = f"FAILED on {', '.join(failed)}" if failed else "green"
    print(f"\n=== suite {verdict} (ran on {ran}) ===")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
