"""Build the SQLite test database once, into a file the runs under a set clock start from.

`KLEARMIND_TEST_DATABASE_FILE=path python -m tests.database_template` creates the test
database exactly as pytest-django does before a run (every migration, then the tables of the
apps without migrations and the cache table), into `path`, and keeps it. `scripts/run-tests.sh`
builds it once and gives each run under a set clock a fresh copy with `--reuse-db`, so each of
them starts from the same freshly migrated database without migrating again.
"""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klearmind.settings.test")
    if not os.environ.get("KLEARMIND_TEST_DATABASE_FILE"):
        raise SystemExit("Name the file to build in KLEARMIND_TEST_DATABASE_FILE.")
    django.setup()
    from django.db import connections
    from django.test.utils import setup_databases, setup_test_environment

    setup_test_environment()
    setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    connections.close_all()


if __name__ == "__main__":
    main()
