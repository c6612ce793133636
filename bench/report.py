"""`make bench`: the public pages served cold and warm, one table, and the budgets.

Builds a throwaway site (bench/throwaway.py) and measures, for each target page, gunicorn
with the page cache off (cold) and on (warm); then a static file on the warm server as the
ceiling, the warm pages through nginx with deploy/nginx/klearmind.conf when nginx is
installed, comment POSTs, and last the booking and care figures. To add a row, add a Target;
to add a column, add an entry to COLUMNS.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bench import loadgen, nginx, throwaway, wrk
from bench.loadgen import LoadResult
from bench.weight import PageWeight

# Long enough for every worker to load its templates (and fill its cache) first.
WARM_UP_SECONDS = 1
COMMENT_POSTS = 50
# WordPress's fastest stock theme on the same kind of machine, uncached (see the README).
WORDPRESS_RPS = {"article, 50 comments": 65, "article, 500 comments": 17}
WORDPRESS_POST_MS = 22
COLD_BUDGETS = {"article, 50 comments": 3, "article, 500 comments": 10}  # × WordPress
WARM_BUDGET_RPS = 3000
FONTS_BUDGET_KB = 60


@dataclass(frozen=True)
class Target:
    label: str
    path: Callable[[], str]
    budget_kb: float | None = None


@dataclass
class Row:
    target: Target
    path: str
    queries: int
    weight: PageWeight | None = None
    cold: LoadResult | None = None
    warm: LoadResult | None = None
    front: LoadResult | None = None
    cache_header: dict[str, str] = field(default_factory=dict)


def commented_article_path(count: int) -> Callable[[], str]:
    """A copy of the seed article with `count` approved comments (bench/seed_comments.py)."""
    from bench.seed_comments import slug

    def path() -> str:
        from klearmind.pages.models import ArticlePage

        return ArticlePage.objects.get(slug=slug(count)).get_url_parts()[2]

    return path


TARGETS = [
    Target("home", lambda: "/"),
    Target("article, 0 comments", commented_article_path(0), budget_kb=20),
    Target("article, 50 comments", commented_article_path(50)),
    Target("article, 500 comments", commented_article_path(500)),
]


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def rate(load: LoadResult | None) -> str:
    return "-" if load is None else f"{load.rps:.1f}"


def ms(value: float) -> str:
    return f"{value:.1f}"


COLUMNS: list[tuple[str, Callable[[Row], str]]] = [
    ("page", lambda row: row.target.label),
    ("cold req/s", lambda row: rate(row.cold)),
    ("p50 ms", lambda row: ms(row.cold.p50_ms)),
    ("p99 ms", lambda row: ms(row.cold.p99_ms)),
    ("warm req/s", lambda row: rate(row.warm)),
    ("p50 ms", lambda row: ms(row.warm.p50_ms)),
    ("p99 ms", lambda row: ms(row.warm.p99_ms)),
    ("errors", lambda row: str(row.cold.errors + row.warm.errors)),
    ("queries", lambda row: str(row.queries)),
    ("kB gzip", lambda row: kb(row.weight.total)),
]


def load_tool(preferred: str) -> tuple[str, Callable[..., LoadResult]]:
    if preferred != "python" and wrk.available():
        return wrk.version(), wrk.run
    if preferred == "wrk":
        raise SystemExit("bench: BENCH_TOOL=wrk but wrk is not installed.")
    return "python loadgen", loadgen.run


def header(url: str, name: str) -> str:
    """The response header `name` of a GET (after one GET that may fill a cache)."""
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
    return response.headers.get(name, "")


class Bench:
    """One run: its arguments, its load tool and the rows it fills in, server by server."""

    def __init__(self, args, run_load: Callable[..., LoadResult]):
        self.args, self.run_load = args, run_load
        self.rows: list[Row] = []

    def load(self, url: str) -> LoadResult:
        # One request alone first: on a fresh SQLite site, every worker thread making a
        # page's first render at once stalled for longer than wrk's timeout.
        urllib.request.urlopen(url, timeout=60).read()
        loadgen.run(url, seconds=WARM_UP_SECONDS, connections=self.args.connections)
        return self.run_load(url, seconds=self.args.seconds, connections=self.args.connections)

    def each_row(self, base_url: str, step: str, measure: Callable[[Row, str], None]) -> None:
        for row in self.rows:
            progress(f"{step}: {row.target.label}")
            measure(row, urljoin(base_url, row.path))

    def cold(self, base_url: str) -> None:
        def measure(row: Row, url: str) -> None:
            from bench import weight

            row.weight = weight.measure(url)
            row.cold = self.load(url)
            row.cache_header["cold"] = header(url, "X-Cache")

        self.each_row(base_url, "cold", measure)

    def warm(self, base_url: str) -> None:
        def measure(row: Row, url: str) -> None:
            row.warm = self.load(url)
            row.cache_header["warm"] = header(url, "X-Cache")

        self.each_row(base_url, "warm", measure)

    def front(self, base_url: str) -> None:
        def measure(row: Row, url: str) -> None:
            row.front = self.load(url)
            row.cache_header["nginx"] = header(url, "X-Micro-Cache")

        self.each_row(base_url, "nginx", measure)

    def static_file(self, base_url: str) -> tuple[str, LoadResult]:
        stylesheet = next(path for path in self.rows[0].weight.files if path.endswith(".css"))
        progress(f"static file: {stylesheet}")
        return stylesheet, self.load(urljoin(base_url, stylesheet))


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def post_comments(page_url: str, count: int) -> list[float]:
    """Milliseconds of `count` sequential comment POSTs, each with a fresh token."""
    from bench.commenter import Commenter

    timings = []
    for number in range(count):
        commenter = Commenter(page_url)
        posted = commenter.post(
            text=f"Benchmark comment {number}: thank you for the clear explanation.",
            name=f"Reader {number}",
            email=f"reader{number}@example.org",
        )
        if not posted.accepted:
            raise SystemExit(f"bench: comment POST {number} answered {posted.status}")
        timings.append(posted.seconds * 1000)
    return timings


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gb() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f"{kib / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        return "? GB"


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def gunicorn_settings() -> str:
    import runpy

    conf = runpy.run_path(str(throwaway.GUNICORN_CONF))
    threads = f" × {conf['threads']} threads" if conf["worker_class"] == "gthread" else ""
    return f"{conf['workers']} {conf['worker_class']} workers{threads}"


def print_header(tool: str, args, load_before: str) -> None:
    import django
    from wagtail import __version__ as wagtail_version

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"machine: {cpu_model()}, {cpus} cores, {memory_gb()} memory, "
        f"Python {platform.python_version()}, load average {load_before} before the run"
    )
    print(
        f"server:  gunicorn with deploy/gunicorn.conf.py ({gunicorn_settings()}), production "
        f"settings, SQLite, local-memory cache, Django {django.get_version()}, "
        f"Wagtail {wagtail_version}"
    )
    print(f"load:    {tool}, {args.connections} connections, {args.seconds:g} s per measure")
    print()


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(map(len, column)) for column in zip(headers, *rows, strict=True)]
    for line in [headers, ["-" * width for width in widths], *rows]:
        first, *rest = zip(line, widths, strict=True)
        cells = [first[0].ljust(first[1]), *(cell.rjust(width) for cell, width in rest)]
        print("  ".join(cells))


def print_pages(rows: list[Row]) -> None:
    print_table([name for name, _ in COLUMNS], [[cell(row) for _, cell in COLUMNS] for row in rows])
    print("(cold: PAGE_CACHE_SECONDS=0; warm: the page cache on, no proxy in front;")
    print(" SQL queries per request cold, after one warm-up; sizes HTML+CSS+JS with gzip -9)")
    if not any(row.cache_header.get("warm") == "HIT" for row in rows):
        print("note:    page cache not active: the warm server answered no X-Cache: HIT, so")
        print("         the warm columns measure the same uncached pages as the cold ones")
    if any(row.cache_header.get("cold") == "HIT" for row in rows):
        print("note:    the cold server answered X-Cache: HIT; PAGE_CACHE_SECONDS=0 was ignored")


def print_front(rows: list[Row]) -> None:
    print()
    print("through nginx (deploy/nginx/klearmind.conf) in front of the warm server:")
    print_table(
        ["page", "req/s", "p50 ms", "p99 ms", "errors", "micro-cache"],
        [
            [
                row.target.label,
                rate(row.front),
                ms(row.front.p50_ms),
                ms(row.front.p99_ms),
                str(row.front.errors),
                row.cache_header.get("nginx") or "-",
            ]
            for row in rows
        ],
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_budgets(rows: list[Row], post_ms: list[float] | None) -> None:
    print()
    by_label = {row.target.label: row for row in rows}
    for label, times in COLD_BUDGETS.items():
        budget = times * WORDPRESS_RPS[label]
        measured = by_label[label].cold.rps
        print(
            f"budget: {label} cold >= {budget} req/s ({times} x WordPress's "
            f"{WORDPRESS_RPS[label]}): {measured:.1f} {verdict(measured >= budget)}"
        )
    for row in rows:
        if row.target.label.startswith("article"):
            print(
                f"budget: {row.target.label} warm >= {WARM_BUDGET_RPS:,} req/s: "
                f"{row.warm.rps:.1f} {verdict(row.warm.rps >= WARM_BUDGET_RPS)}"
            )
    if post_ms:
        median = statistics.median(post_ms)
        print(
            f"budget: comment POST median <= {WORDPRESS_POST_MS} ms (WordPress): "
            f"{median:.1f} ms {verdict(median <= WORDPRESS_POST_MS)}"
        )
    for row in rows:
        if row.target.budget_kb is not None:
            total = row.weight.total
            print(
                f"budget: {row.target.label} HTML+CSS+JS < {row.target.budget_kb:g} kB gzip: "
                f"{kb(total)} kB {verdict(total < row.target.budget_kb * 1024)}"
            )
            fonts = row.weight.fonts
            print(
                f"budget: {row.target.label} fonts <= {FONTS_BUDGET_KB} kB: "
                f"{kb(fonts)} kB {verdict(fonts <= FONTS_BUDGET_KB * 1024)}"
            )


def broken_pages(rows: list[Row]) -> list[str]:
    return [
        f"error:  {row.target.label} {row.path} answered {row.weight.status}; assets that "
        f"failed: {', '.join(row.weight.missing) or 'none'}"
        for row in rows
        if row.weight.status != 200 or row.weight.missing
    ]


def run_in_site(site: throwaway.Site, module: str) -> int:
    progress(f"measuring {module.removeprefix('bench.')}")
    sys.stdout.flush()
    return subprocess.run([sys.executable, "-m", module], env=site.env, check=False).returncode


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 8)))
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16))
    )
    parser.add_argument(
        "--tool", choices=["auto", "wrk", "python"], default=os.environ.get("BENCH_TOOL", "auto")
    )
    parser.add_argument("--keep", action="store_true", default=os.environ.get("BENCH_KEEP") == "1")
    return parser.parse_args()


def measure_servers(site: throwaway.Site, bench: Bench) -> tuple:
    with throwaway.gunicorn(site, label="cold", PAGE_CACHE_SECONDS="0") as cold:
        bench.cold(cold)
    with throwaway.gunicorn(site, label="warm") as warm:
        bench.warm(warm)
        static = bench.static_file(warm)
        if nginx.available():
            with throwaway.nginx_front(site, warm) as front:
                bench.front(front)
        progress(f"{COMMENT_POSTS} comment POSTs")
        posts = post_comments(urljoin(warm, bench.rows[1].path), COMMENT_POSTS)
    return static, posts


def main() -> None:
    args = parse_args()
    load_before = load_average()
    throwaway.stop_on_sigterm()
    tool, run_load = load_tool(args.tool)
    with throwaway.site(keep=args.keep) as site, throwaway.reporting_failures(site):
        progress(f"preparing the demo site in {site.run_dir.relative_to(throwaway.ROOT)}")
        site.prepare()
        site.activate(PAGE_CACHE_SECONDS="0")
        from bench import queries

        throwaway.relax_comment_checks()
        bench = Bench(args, run_load)
        for target in TARGETS:
            path = target.path()
            bench.rows.append(Row(target, path, queries.count(path)[1]))
        (stylesheet, static), posts = measure_servers(site, bench)

        print_header(tool, args, load_before)
        print_pages(bench.rows)
        print(
            f"static:  {stylesheet} from the warm server (WhiteNoise), the ceiling: "
            f"{static.rps:.1f} req/s, p50 {static.p50_ms:.1f} ms, p99 {static.p99_ms:.1f} ms"
        )
        if bench.rows[0].front is not None:
            print_front(bench.rows)
        else:
            print("nginx:   not installed; the measure through nginx was skipped")
        print(
            f"comment POST: {len(posts)} sequential posts through gunicorn, each with a fresh "
            f"CSRF token: median {statistics.median(posts):.1f} ms, "
            f"p99 {loadgen.percentile(sorted(posts), 0.99):.1f} ms"
        )
        print("(the throwaway site's flood control and time trap are set to 0 for these posts)")
        print_budgets(bench.rows, posts)
        errors = broken_pages(bench.rows)
        for error in errors:
            print(error)
        status = max(run_in_site(site, "bench.booking"), run_in_site(site, "bench.care"))
    sys.exit(1 if errors or status else 0)


if __name__ == "__main__":
    main()
