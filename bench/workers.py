"""Which gunicorn settings serve best on this machine: `python -m bench.workers`.

Builds the benchmark's throwaway site once, then serves it with each candidate (worker
class, workers, threads) and loads the article with 50 comments and a static file with
wrk's keep-alive connections. The shipped defaults in deploy/gunicorn.conf.py come from
this comparison (docs/decisions/016-serving-behind-nginx.md).
"""

import argparse
import os
import urllib.request
from urllib.parse import urljoin

from bench import throwaway
from bench.report import commented_article_path, load_tool, print_table, progress

CORES = len(os.sched_getaffinity(0))
CANDIDATES = {
    f"sync, {CORES} workers": {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_WORKERS": CORES},
    f"sync, {2 * CORES + 1} workers": {
        "GUNICORN_WORKER_CLASS": "sync",
        "GUNICORN_WORKERS": 2 * CORES + 1,
    },
    f"gthread, {CORES} workers x 4 threads": {"GUNICORN_WORKER_CLASS": "gthread"},
    f"gthread, {2 * CORES + 1} workers x 2 threads": {
        "GUNICORN_WORKER_CLASS": "gthread",
        "GUNICORN_WORKERS": 2 * CORES + 1,
        "GUNICORN_THREADS": 2,
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    throwaway.stop_on_sigterm()
    tool, run_load = load_tool("auto")
    with throwaway.site() as site, throwaway.reporting_failures(site):
        progress("preparing the demo site")
        site.prepare()
        site.activate()
        article = commented_article_path(50)()
        stylesheet = next((site.static_root / "css").glob("site.*.css")).name
        rows = []
        for label, settings in CANDIDATES.items():
            progress(label)
            env = {key: str(value) for key, value in settings.items()}
            with throwaway.gunicorn(site, label="candidate", **env) as base_url:
                row = [label]
                for path in (article, f"/static/css/{stylesheet}"):
                    url = urljoin(base_url, path)
                    urllib.request.urlopen(url, timeout=60).read()  # one first render alone
                    run_load(url, seconds=1, connections=args.connections)
                    result = run_load(url, seconds=args.seconds, connections=args.connections)
                    row += [f"{result.rps:.1f}", f"{result.p99_ms:.1f}", str(result.errors)]
                rows.append(row)
    print(
        f"{tool}, {args.connections} connections, {args.seconds:g} s each, load average "
        f"{' '.join(f'{value:.2f}' for value in os.getloadavg())} after the run"
    )
    headers = ["gunicorn", "article req/s", "p99 ms", "errors", "static req/s", "p99 ms", "errors"]
    print_table(headers, rows)


if __name__ == "__main__":
    main()
