"""`python -m bench.scale`: see the package's docstring and bench/README.md."""

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict

from .measure import BOOKING_BUDGET_MS, JOB_BUDGET_MS, RUNS, SCREEN_BUDGET_MS, Row, measure, table

# Running: one throwaway site per database; the measuring in a child process with its settings.


POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES + "postgres", connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - not there, not used
        return False


def postgres_database(name: str, *, drop: bool) -> None:
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop:
            connection.execute(f'CREATE DATABASE "{name}"')


def run_on(database: str, sizes: list[str], runs: int) -> list[Row]:
    from bench import throwaway

    with throwaway.site(keep=os.environ.get("BENCH_KEEP") == "1") as site:
        name = f"klearmind_bench_{site.run_dir.name.replace('.', '_').lower()}"
        if database == "postgresql":
            postgres_database(name, drop=False)
            site.env["DATABASE_URL"] = POSTGRES + name
        site.env |= {"PAGE_CACHE_SECONDS": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
        try:
            with throwaway.reporting_failures(site):
                site.manage("migrate", "--no-input")
                site.manage("load_demo")
                site.manage("collectstatic", "--no-input")
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.scale",
                    "--child",
                    "--sizes",
                    ",".join(sizes),
                    "--runs",
                    str(runs),
                ],
                cwd=throwaway.ROOT,
                env=site.env,
                stdout=subprocess.PIPE,
                check=False,
            )
        finally:
            if database == "postgresql":
                postgres_database(name, drop=True)
    if done.returncode:
        raise SystemExit(f"bench: measuring on {database} failed")
    return [Row(**row) for row in json.loads(done.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--databases", default="auto", help="sqlite, postgresql or auto")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    sizes = options.sizes.split(",")
    if options.child:
        import django

        django.setup()
        rows = measure(sizes, options.runs)
        print(json.dumps([asdict(row) for row in rows]))
        return 0
    databases = options.databases.split(",")
    if databases == ["auto"]:
        databases = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    load = os.getloadavg()[0]
    results = {database: run_on(database, sizes, options.runs) for database in databases}
    print(
        f"Staff screens and periodic jobs: medians of {options.runs} runs; {os.cpu_count()} "
        f"CPUs, load average {load:.2f} before the run"
    )
    print(
        f"budgets: screens <= {SCREEN_BUDGET_MS} ms, jobs with nothing due <= {JOB_BUDGET_MS} "
        f"ms, one booking <= {BOOKING_BUDGET_MS} ms at the {sizes[-1]} size; queries equal at "
        "every size"
    )
    for database, rows in results.items():
        print(table(rows, sizes, database))
    failed = any(row.verdict(sizes[-1]) == "FAIL" for rows in results.values() for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
