"""Every form refuses a POST without its CSRF token or with a forged one, and writes nothing;
every route is known to these tests."""

from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from klearmind.accounts.tests.factories import sign_in

from .harness import HostileInputTestCase, row_counts
from .routes import CSRF_EXEMPT, READ_ONLY, own_route_names, posting_routes

FORGED = "k" * 64
BODY = {"text": "Forged", "name": "Forged", "email": "forged@example.org", "action": "approve"}


class RouteInventoryTests(HostileInputTestCase):
    def test_every_route_of_the_project_is_sorted_into_posting_or_read_only(self):
        posting = {name for name in posting_routes() if ":" in name}
        unsorted = own_route_names() - posting - READ_ONLY
        assert not unsorted, f"new routes: give them hostile input and sort them: {unsorted}"
        assert not (posting & READ_ONLY)
        assert not (posting | READ_ONLY) - own_route_names() - {"contact page"}


class CsrfTests(HostileInputTestCase):
    def browser(self, audience: str) -> Client:
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        return sign_in(client, self.owner) if audience == "staff" else client

    def assert_every_form_refuses(self, data: dict, *, cookie: str | None = None) -> None:
        for name, (audience, url) in posting_routes().items():
            if name in CSRF_EXEMPT:
                continue
            with self.subTest(route=name):
                client = self.browser(audience)
                if cookie:
                    client.cookies["csrftoken"] = cookie
                before = row_counts()
                response = client.post(url, data, REMOTE_ADDR=self.next_address())
                assert response.status_code == 403, (name, response.status_code)
                assert row_counts() == before, name

    def test_every_form_refuses_a_post_without_a_token_and_writes_nothing(self):
        self.assert_every_form_refuses(BODY)

    def test_every_form_refuses_a_forged_token_and_writes_nothing(self):
        # A well-formed token in the cookie, another in the form: what a forger can send.
        cookie = get_token(RequestFactory().get("/"))
        self.assert_every_form_refuses({**BODY, "csrfmiddlewaretoken": FORGED}, cookie=cookie)
