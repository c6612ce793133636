"""Requests as the deployed site answers them: the page cache in front, Django behind it."""

from dataclasses import dataclass

from django.test import RequestFactory

from klearmind.pages.page_cache import PageCacheApplication


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes
    from_cache: bool

    @property
    def text(self) -> str:
        return self.body.decode()


def through_cache(client, path: str, method: str = "GET", **extra) -> Reply:
    """The reply from the cache when it has one (Django never sees the request), otherwise
    Django's, through the test client with its cookies."""
    factory = RequestFactory()
    factory.cookies = client.cookies
    environ = factory.generic(method, path, **extra).environ
    missed, started = [], {}

    def django(environ, start_response):
        missed.append(environ)
        return []

    def start_response(status, headers):
        started.update(status=int(status.split()[0]), headers=headers)

    body = b"".join(PageCacheApplication(django)(environ, start_response))
    if not missed:
        headers = {name.lower(): value for name, value in started["headers"]}
        return Reply(started["status"], headers, body, from_cache=True)
    response = client.generic(method, path, **extra)
    headers = {name.lower(): value for name, value in response.items()}
    return Reply(response.status_code, headers, response.content, from_cache=False)
