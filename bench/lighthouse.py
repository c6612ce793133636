"""`make lighthouse`: Lighthouse on the home page and the longest article, in both languages.

Builds a throwaway demo site with the production settings (bench/throwaway.py), serves it with
gunicorn, and runs Lighthouse from npm (`npx`, a pinned version) with Debian's Chromium on each
page, as a phone would load it (Lighthouse's default mobile emulation and throttling), once its
pictures' renditions exist (a first view makes them, once in a page's life). Prints
each category's score and the page's weight (bench/weight.py), and exits 1 when a score is
under the site's budget: performance at least 0.98, accessibility, best practices and SEO 1.00.
Needs Node.js with npm and the network to fetch Lighthouse the first time; `make test` does not
run it (its tests keep the page weight and axe instead).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bench import throwaway, weight

LIGHTHOUSE = "lighthouse@12.8.2"  # the newest that runs on Debian's Node.js 20
CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "home": "/",
    "longest article": "/articles/ketamine-therapy-a-proven-medicine-with-a-new-purpose/",
    "home (Spanish)": "/es/",
}
BUDGET = {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
)


def warm(url: str) -> None:
    """Ask for the page and every picture it names once: Wagtail makes an image's renditions on
    their first request, a cost a page pays once in its life and not on a visitor's view."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        html = response.read().decode()
    for attribute in re.findall(r'(?:src|srcset)="([^"]+)"', html):
        for candidate in attribute.split(","):
            address = urljoin(url, candidate.strip().split(" ")[0])
            if urlsplit(address).netloc == urlsplit(url).netloc:
                with urllib.request.urlopen(address, timeout=30) as response:  # noqa: S310
                    response.read()


def scores(url: str, report: Path) -> dict[str, float]:
    """Lighthouse's category scores for `url`; its whole report is kept in `report`."""
    npx = shutil.which("npx")
    if npx is None:
        sys.exit("make lighthouse needs Node.js and npm (npx): apt-get install -y npm")
    command = [
        npx,
        "--yes",
        LIGHTHOUSE,
        url,
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(BUDGET)}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    env = os.environ | {"CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    subprocess.run(command, check=True, env=env)  # noqa: S603 - our own command line
    categories = json.loads(report.read_text())["categories"]
    return {name: categories[name]["score"] for name in BUDGET}


def main() -> int:
    throwaway.stop_on_sigterm()
    out = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    failed = []
    with throwaway.site() as site, throwaway.reporting_failures(site):
        site.prepare()
        with throwaway.gunicorn(site) as base_url:
            for name, path in PAGES.items():
                warm(base_url + path)
                measured = scores(base_url + path, out / f"{name.replace(' ', '-')}.json")
                line = "  ".join(f"{key} {value:.2f}" for key, value in measured.items())
                sent = weight.measure(base_url + path)
                print(
                    f"{name:<18} {line}  HTML+CSS+JS {sent.total / 1024:.1f} kB gzip, "
                    f"fonts {sent.fonts / 1024:.1f} kB"
                )
                failed += [
                    f"{name}: {key} {value:.2f} < {BUDGET[key]:.2f}"
                    for key, value in measured.items()
                    if value < BUDGET[key]
                ]
    print(f"Reports: {out}")
    for line in failed:
        print(f"under budget: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
