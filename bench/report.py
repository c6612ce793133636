"""Measure each target page on a running server and print one table.

Run by bench/run.sh with the server's settings in the environment:
`python -m bench.report --base-url http://127.0.0.1:PORT`. To add a row, add a Target;
to add a column, add an entry to COLUMNS.
"""

import argparse
import logging
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import django

from bench import loadgen, wrk
from bench.loadgen import LoadResult
from bench.weight import PageWeight

# Long enough for every worker to load its templates before the measured run.
WARM_UP_SECONDS = 1


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
    weight: PageWeight
    load: LoadResult


def seed_article_path() -> str:
    """The seed article ("Ketamine therapy…"), else the oldest article."""
    from django.db.models import F

    from klearmind.pages.models import ArticlePage

    articles = ArticlePage.objects.live().public()
    oldest_first = ("published_date", F("first_published_at").asc(nulls_last=True), "pk")
    article = (
        articles.filter(title__istartswith="Ketamine therapy").first()
        or articles.order_by(*oldest_first).first()
    )
    if article is None:
        raise SystemExit("bench: the demo data has no live ArticlePage to measure.")
    return article.get_url_parts()[2]


def commented_article_path(count: int) -> Callable[[], str]:
    """A copy of the seed article with `count` approved comments (bench/seed_comments.py)."""
    from bench.seed_comments import slug

    def path() -> str:
        from klearmind.pages.models import ArticlePage

        return ArticlePage.objects.get(slug=slug(count)).get_url_parts()[2]

    return path


TARGETS = [
    Target("home", lambda: "/"),
    Target("article", seed_article_path, budget_kb=20),
    Target("article, 0 comments", commented_article_path(0)),
    Target("article, 50 comments", commented_article_path(50)),
    Target("article, 500 comments", commented_article_path(500)),
]


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


COLUMNS: list[tuple[str, Callable[[Row], str]]] = [
    ("page", lambda row: row.target.label),
    ("req/s", lambda row: f"{row.load.rps:.1f}"),
    ("p50 ms", lambda row: f"{row.load.p50_ms:.1f}"),
    ("p99 ms", lambda row: f"{row.load.p99_ms:.1f}"),
    ("errors", lambda row: str(row.load.errors)),
    ("queries", lambda row: str(row.queries)),
    ("HTML kB", lambda row: kb(row.weight.html)),
    ("CSS kB", lambda row: kb(row.weight.css)),
    ("JS kB", lambda row: kb(row.weight.js)),
    ("total kB", lambda row: kb(row.weight.total)),
]


def load_tool(preferred: str) -> tuple[str, Callable[..., LoadResult]]:
    if preferred != "python" and wrk.available():
        return wrk.version(), wrk.run
    if preferred == "wrk":
        raise SystemExit("bench: BENCH_TOOL=wrk but wrk is not installed.")
    return "python loadgen", loadgen.run


def measure(target: Target, args, run_load) -> Row:
    from bench import queries, weight

    path = target.path()
    url = urljoin(args.base_url, path)
    page_weight = weight.measure(url)
    loadgen.run(url, seconds=WARM_UP_SECONDS, connections=args.connections)
    _status, query_count = queries.count(path)
    load = run_load(url, seconds=args.seconds, connections=args.connections)
    return Row(target, path, query_count, page_weight, load)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def print_header(tool: str, args) -> None:
    from wagtail import __version__ as wagtail_version

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"machine: {cpus} CPU ({cpu_model()}), Python {platform.python_version()}, "
        f"load average {args.load_before} before the run"
    )
    print(
        f"server:  gunicorn, {args.workers} sync workers, production settings, SQLite, "
        f"Django {django.get_version()}, Wagtail {wagtail_version}"
    )
    print(f"load:    {tool}, {args.connections} connections, {args.seconds:g} s per page")
    print()


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(map(len, column)) for column in zip(headers, *rows, strict=True)]
    for line in [headers, ["-" * width for width in widths], *rows]:
        first, *rest = zip(line, widths, strict=True)
        cells = [first[0].ljust(first[1]), *(cell.rjust(width) for cell, width in rest)]
        print("  ".join(cells))


def print_verdicts(rows: list[Row]) -> bool:
    """Print budgets and broken pages; return False when a page or an asset did not load."""
    ok = True
    for row in rows:
        budget = row.target.budget_kb
        if budget is not None:
            verdict = "PASS" if row.weight.total < budget * 1024 else "FAIL"
            print(
                f"budget: {row.target.label} HTML+CSS+JS < {budget:g} kB gzip: "
                f"{kb(row.weight.total)} kB {verdict}"
            )
        if row.weight.status != 200 or row.weight.missing:
            ok = False
            missing = ", ".join(row.weight.missing) or "none"
            print(
                f"error:  {row.target.label} {row.path} answered {row.weight.status}; "
                f"assets that failed: {missing}"
            )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", default="?", help="only reported")
    parser.add_argument("--load-before", default="?", help="only reported")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()

    django.setup()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    tool, run_load = load_tool(args.tool)
    rows = [measure(target, args, run_load) for target in TARGETS]
    print_header(tool, args)
    print_table([name for name, _ in COLUMNS], [[cell(row) for _, cell in COLUMNS] for row in rows])
    print("(sizes gzip -9; SQL queries per request after one warm-up)")
    sys.exit(0 if print_verdicts(rows) else 1)


if __name__ == "__main__":
    main()
