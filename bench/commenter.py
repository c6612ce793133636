"""A reader posting a comment the way the browser does, timed: the benchmark and the drill.

The page may come from a cache, so its form's CSRF token can be anyone's. When the form
names an endpoint for a fresh token (a `data-…` attribute whose name mentions csrf or
token, as the page's JavaScript reads it), the token comes from there, in the reader's own
cookie session; otherwise the page itself is fetched fresh and its token used.
"""

import http.cookiejar
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

TOKEN_FIELD = "csrfmiddlewaretoken"  # noqa: S105 - a field name
# Generous: under a load drill the commenter waits in the same queue as every reader.
TIMEOUT = 30
TOKEN_KEYS = (TOKEN_FIELD, "csrfToken", "csrf_token", "csrf", "token")


@dataclass
class CommentForm:
    action: str = ""
    token_url: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """The comment form's action, its fields' names and values, and its token endpoint."""

    def __init__(self):
        super().__init__()
        self.form: CommentForm | None = None
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and "comment-form" in attrs.get("class", "").split():
            self.form, self._inside = CommentForm(action=attrs.get("action", "")), True
            self.form.token_url = next(
                (
                    value
                    for name, value in attrs.items()
                    if name.startswith("data-") and ("csrf" in name or "token" in name)
                ),
                "",
            )
        elif self._inside and tag in ("input", "select") and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.form.fields[attrs["name"]] = attrs.get("value", "")
        elif self._inside and tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.form.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False


def parse_form(html: str) -> CommentForm:
    parser = _FormParser()
    parser.feed(html)
    if parser.form is None:
        raise ValueError("the page has no comment form")
    return parser.form


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Posted:
    status: int
    seconds: float
    location: str

    @property
    def accepted(self) -> bool:
        return self.status == 302 and "posted=" in self.location


class Commenter:
    """One reader with their own cookies, posting to the article at `page_url`."""

    def __init__(self, page_url: str):
        self.page_url = page_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def fetch(self, url: str) -> tuple[int, str, str]:
        """(status, content type, body) of a GET."""
        try:
            with self.opener.open(url, timeout=TIMEOUT) as response:
                body = response.read().decode("utf-8", errors="replace")
                return response.status, response.headers.get("Content-Type", ""), body
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read().decode()

    def fresh_form(self) -> CommentForm:
        """The form with a token of this reader's own, fetched as the page's script does."""
        status, _type, html = self.fetch(self.page_url)
        if status != 200:
            raise ValueError(f"{self.page_url} answered {status}")
        form = parse_form(html)
        if form.token_url:
            form.fields |= self.token_fields(urljoin(self.page_url, form.token_url))
        return form

    def token_fields(self, url: str) -> dict[str, str]:
        status, content_type, body = self.fetch(url)
        if status != 200:
            raise ValueError(f"the token endpoint {url} answered {status}")
        if "json" not in content_type:
            return {TOKEN_FIELD: body.strip()}
        data = json.loads(body)
        fields = {key: str(value) for key, value in data.items() if isinstance(value, str)}
        token = next((fields[key] for key in TOKEN_KEYS if key in fields), "")
        return fields | {TOKEN_FIELD: token}

    def post(self, *, text: str, name: str, email: str) -> Posted:
        """Fill in and send the form; only the POST itself is timed."""
        form = self.fresh_form()
        data = form.fields | {"text": text, "author_name": name, "author_email": email}
        request = urllib.request.Request(
            urljoin(self.page_url, form.action), data=urlencode(data).encode(), method="POST"
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                response.read()
                status, location = response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            error.read()
            status, location = error.code, error.headers.get("Location", "")
        return Posted(status, time.perf_counter() - started, location)
