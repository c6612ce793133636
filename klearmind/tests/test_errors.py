from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.views.defaults import server_error

from klearmind import errors
from klearmind.tests.test_health import probe


def test_the_500_page_needs_no_database_and_still_shows_the_crisis_line():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert 'href="tel:988"' in body
    assert "Traceback" not in body


def server_error_while_handling(error: Exception):
    """Call the handler as Django does: inside the except block of the uncaught exception."""
    try:
        raise error
    except Exception:
        return errors.server_error(RequestFactory().get("/"))


# No database access is allowed in these tests: the 503 page must render without one.
def test_a_lost_database_gets_a_503_to_retry_shortly_that_no_cache_keeps():
    for error in (OperationalError("connection refused"), InterfaceError("connection closed")):
        response = server_error_while_handling(error)
        body = response.content.decode()
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert "We will be back in a moment" in body
        assert 'href="tel:988"' in body
        assert "connection" not in body
        assert "Traceback" not in body


def test_any_other_error_is_still_the_500_page():
    response = server_error_while_handling(ValueError("a bug"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# Real pages in a fresh process whose database is a PostgreSQL port where nothing listens.
PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
results = {}
for path in ("/", "/book/", "/candidacy/step/1/"):
    response = client.get(path, HTTP_HOST="127.0.0.1")
    results[path] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "cache_control": response.get("Cache-Control"),
        "body": response.content.decode(),
    }
print(json.dumps(results))
"""


def test_pages_answer_503_while_the_database_server_is_down(tmp_path):
    pages = probe(tmp_path, PROBE, DATABASE_URL="postgres://postgres@127.0.0.1:1/klearmind")
    for path, page in pages.items():
        assert page["status"] == 503, path
        assert page["retry_after"] == "30", path
        assert "no-store" in page["cache_control"], path
        assert "We will be back in a moment" in page["body"], path
        assert "OperationalError" not in page["body"], path
