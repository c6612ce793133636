"""nginx's access log keeps no private link's token and no query string: every route of the
app that takes a token is requested through the shipped configuration, and its log read."""

import re
import time

from django.urls import URLPattern, URLResolver, get_resolver

from tests.test_deploy import front, get  # noqa: F401 - `front` is the nginx fixture

SECRET = "Zq8sECRETt0ken"
PARAMETER = re.compile(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)")


def routes(patterns=None, prefix: str = ""):
    """Every route of the app as text, e.g. "book/visit/<str:token>/cancel/"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            yield text


def token_paths() -> list[str]:
    """The routes that carry a token, with every parameter filled in with the secret."""
    return [
        "/" + PARAMETER.sub(SECRET, route)
        for route in routes()
        if "token>" in route and "\\" not in PARAMETER.sub("", route)
    ]


def logged(tmp_path, lines: int) -> str:
    """The access log once it has `lines` lines: nginx writes each after its answer is sent."""
    log = tmp_path / "run" / "access.log"
    for _ in range(100):
        if len(log.read_text().splitlines()) >= lines:
            break
        time.sleep(0.02)
    return log.read_text()


def test_the_app_has_the_token_routes_the_log_masks():
    paths = token_paths()
    prefixes = (
        "/candidacy/resume/",
        "/book/invitation/",
        "/book/visit/",
        "/check-in/",
        "/my/sign-in/",
    )
    for prefix in prefixes:
        assert [path for path in paths if path.startswith(prefix)], prefix
    assert "/admin/password_reset/confirm/" + SECRET + "/" + SECRET + "/" in paths
    assert "/comments/unsubscribe/" + SECRET + "/" in paths


def test_no_token_route_leaves_its_token_in_the_access_log(front, tmp_path):  # noqa: F811
    base_url, _hits = front
    for path in token_paths():
        get(f"{base_url}{path}?code={SECRET}", Referer=f"{base_url}{path}")
    log = logged(tmp_path, len(token_paths()))
    assert len(log.splitlines()) == len(token_paths())
    assert SECRET not in log
    assert '"GET /book/visit/- HTTP/1.1" 200' in log
    assert '"GET /check-in/- HTTP/1.1" 200' in log


def test_other_paths_are_logged_without_their_query_string(front, tmp_path):  # noqa: F811
    base_url, _hits = front
    get(f"{base_url}/search/?q=ketamine+for+my+depression")
    get(f"{base_url}/check-in/")
    log = logged(tmp_path, 2)
    assert '"GET /search/ HTTP/1.1" 200' in log
    assert '"GET /check-in/ HTTP/1.1" 200' in log
    assert "depression" not in log
