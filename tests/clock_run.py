"""Start a program on the test run's set clock: `python -m tests.clock_run manage.py migrate`.

The browser and fault tests start servers and workers as their own processes; under a set clock
(`tests/clock.py`) they go through here so that they share the test run's timeline. A name
after `-m` runs that module, as `python -m` would.
"""

import runpy
import sys

from tests import clock


def main() -> None:
    clock.start()
    args = sys.argv[1:]
    if args[0] == "-m":
        sys.argv = args[1:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
