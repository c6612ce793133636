from django.test import RequestFactory
from django.views.defaults import server_error


def test_the_500_page_needs_no_database_and_still_shows_the_crisis_line():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert 'href="tel:988"' in body
    assert "Traceback" not in body
