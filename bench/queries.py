"""SQL queries one request for a page makes, counted in-process with Django's test client.

Needs Django set up with the settings the server runs with.
"""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HOST = "127.0.0.1"


def count(path: str) -> tuple[int, int]:
    """Return (status, queries) for a GET of `path` after one warm-up request."""
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)
