"""A small HTTP client for the drills: keeps cookies like a browser, does not follow redirects
(the drills read where a form sends them), reads hidden form fields."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bs4 import BeautifulSoup

TIMEOUT = 60


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def hidden_fields(self, selector: str = "form") -> list[tuple[str, str]]:
        form = BeautifulSoup(self.text, "html.parser").select_one(selector)
        if form is None:
            return []
        return [
            (field["name"], field.get("value", ""))
            for field in form.select("input[type=hidden]")
            if field.get("name")
        ]


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def get(self, path: str, params: dict | None = None) -> Response:
        query = "?" + urllib.parse.urlencode(params) if params else ""
        return self.open(urllib.request.Request(self.base_url + path + query))

    def post(self, path: str, fields: list[tuple[str, str]] | dict) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        return self.open(urllib.request.Request(self.base_url + path, data=body, method="POST"))

    def open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as answer:
            return Response(answer.code, dict(answer.headers), answer.read().decode())
