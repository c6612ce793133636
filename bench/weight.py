"""Page weight: gzip size of a page's HTML and of the same-origin CSS and JS it loads.

Everything is compressed here with gzip -9, as whitenoise compresses static files, so the
numbers do not depend on what a proxy in front of the site would do. JavaScript modules
count with the modules they import statically. Fonts (preloaded, or named by the stylesheets'
`url()`s) are counted apart, as sent: a woff2 file is compressed already.
"""

import gzip
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# `import x from "./a.js"`, `export * from "./a.js"` and `import "./a.js"`, not `import()`.
_FONT_URL = re.compile(r"""url\(\s*['"]?([^'")]+\.woff2)['"]?\s*\)""")
_IMPORT = re.compile(
    r"""\b(?:import|export)\b[^'"();]*?\bfrom\s*['"]([^'"]+)['"]"""
    r"""|\bimport\s*['"]([^'"]+)['"]"""
)


@dataclass
class PageWeight:
    status: int
    html: int = 0
    css: int = 0
    js: int = 0
    fonts: int = 0
    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html + self.css + self.js


class _AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.fonts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        rel = attrs.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and attrs.get("href"):
            self.css.append(attrs["href"])
        elif tag == "link" and "modulepreload" in rel and attrs.get("href"):
            self.js.append(attrs["href"])
        elif tag == "link" and "preload" in rel and attrs.get("as") == "font":
            self.fonts.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.js.append(attrs["src"])


def fetch(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def _same_origin(base: str, url: str) -> bool:
    return urlsplit(base).netloc == urlsplit(url).netloc


def _module_imports(url: str, source: bytes) -> list[str]:
    text = source.decode("utf-8", errors="replace")
    specifiers = (a or b for a, b in _IMPORT.findall(text))
    return [urljoin(url, spec) for spec in specifiers if spec.startswith(("/", "./", "../"))]


def measure(url: str) -> PageWeight:
    """Fetch the page at `url` and everything same-origin it styles or scripts itself with."""
    status, html = fetch(url)
    weight = PageWeight(status=status, html=gzip_size(html))
    parser = _AssetParser()
    parser.feed(html.decode("utf-8", errors="replace"))
    queue = [("css", urljoin(url, href)) for href in parser.css]
    queue += [("js", urljoin(url, src)) for src in parser.js]
    queue += [("fonts", urljoin(url, href)) for href in parser.fonts]
    seen: set[str] = set()
    while queue:
        kind, asset = queue.pop(0)
        if asset in seen or not _same_origin(url, asset):
            continue
        seen.add(asset)
        asset_status, body = fetch(asset)
        if asset_status != 200:
            weight.missing.append(f"{urlsplit(asset).path} ({asset_status})")
            continue
        size = len(body) if kind == "fonts" else gzip_size(body)
        setattr(weight, kind, getattr(weight, kind) + size)
        weight.files.append(urlsplit(asset).path)
        if kind == "css":
            fonts = _FONT_URL.findall(body.decode("utf-8", errors="replace"))
            queue += [("fonts", urljoin(asset, font)) for font in fonts]
        if kind == "js":
            queue += [("js", imported) for imported in _module_imports(asset, body)]
    return weight
