from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, TestCase, override_settings

from klearmind.clinic.http import client_ip


def request_from(remote_addr="198.51.100.20", forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **headers)
    request.user = AnonymousUser()
    return request


class ClientIpTests(TestCase):
    # (trusted proxies, REMOTE_ADDR, X-Forwarded-For, the client's address)
    CASES = [
        (0, "198.51.100.20", "203.0.113.9", "198.51.100.20"),  # no proxy trusted: header ignored
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what our one proxy appended
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # forged entry skipped
        (2, "10.0.0.3", "203.0.113.9", "10.0.0.3"),  # fewer hops than proxies: the connection
        (1, "10.0.0.2", None, "10.0.0.2"),  # no header at all
        (1, "10.0.0.2", "not-an-address", None),  # never a value the column cannot hold
        (0, "2001:DB8:0:0::1", None, "2001:db8::1"),  # IPv6, normalized
    ]

    def test_trusts_forwarded_for_only_as_far_as_the_configured_proxies(self):
        for trusted, remote_addr, forwarded, expected in self.CASES:
            with (
                self.subTest(trusted=trusted, forwarded=forwarded),
                override_settings(TRUSTED_PROXY_COUNT=trusted),
            ):
                assert client_ip(request_from(remote_addr, forwarded)) == expected


class PrivatePageTests(TestCase):
    def test_a_private_page_is_kept_by_no_cache(self):
        from django.http import HttpResponse

        from klearmind.clinic.http import private_page

        response = private_page(lambda request: HttpResponse("yours"))(RequestFactory().get("/"))
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store", "no-cache", "must-revalidate"} <= cache_control
