"""The hostile inputs: what an attacker, a broken client or a confused person may send.

A payload says what to put in each kind of field. Text payloads keep choices, numbers and
dates valid, so that a form can accept them and the stored value is shown again later; the
wrong-type payloads break exactly those.
"""

from dataclasses import dataclass

MARKUP = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
JAVASCRIPT_URL = "javascript:alert(1)"
SQL = "' OR 1=1 --'; DROP TABLE auth_user; --"
HEADER_INJECTION = "a@example.com\r\nBcc: x@example.org"
INJECTED_RECIPIENT = "x@example.org"
CONTROL = "Ana\x00 \u202eRuiz\u202c 🌿💉 שלום"
# Bytes that are not UTF-8, percent-encoded as a browser would send them.
INVALID_UTF8 = "%FF%FE%C3%28"
HUGE_NUMBER = "9" * 400
MEGABYTE = "x" * (1024 * 1024)


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    email: str = "reader@example.org"
    url: str = "https://example.org/"
    number: str | None = None  # None: the field's own valid value
    date: str | None = None
    choice: str | None = None  # for selects, radios and checkboxes
    tel: str | None = None
    raw: bool = False  # `text` is already percent-encoded: put into the body as it is
    twice: bool = False  # every field sent twice, a list where one value is expected

    def __str__(self):
        return self.name


# Markup and SQL are both plain text to a form: one request carries both.
MARKUP_PAYLOAD = Payload(
    "markup and SQL", f"{MARKUP} {SQL}", url="https://example.org/?q=' OR 1=1 --"
)
# Markup that a form accepts and stores, to be shown again elsewhere.
STORED_MARKUP = Payload("stored markup", MARKUP)
PAYLOADS = [
    MARKUP_PAYLOAD,
    Payload("control characters", CONTROL, email="ana\x00@example.org", tel="916\x00555"),
    Payload("header injection", HEADER_INJECTION, email=HEADER_INJECTION, tel=HEADER_INJECTION),
    Payload(
        "wrong types",
        MARKUP,
        email=MARKUP,
        url=JAVASCRIPT_URL,
        number=HUGE_NUMBER,
        date="0001-01-01",
        choice=MARKUP,
        tel=HUGE_NUMBER,
        twice=True,
    ),
    Payload(
        "far future",
        "9999-12-31",
        number="-" + HUGE_NUMBER,
        date="99999-12-31",
        choice=HUGE_NUMBER,
    ),
    Payload(
        "invalid utf-8",
        INVALID_UTF8,
        email=INVALID_UTF8,
        url=INVALID_UTF8,
        number=INVALID_UTF8,
        date=INVALID_UTF8,
        choice=INVALID_UTF8,
        tel=INVALID_UTF8,
        raw=True,
    ),
]
LARGE = Payload("1 MB", MEGABYTE, email=MEGABYTE, url=MEGABYTE, tel=MEGABYTE)

# Query strings: every parameter the public GET pages read, with the same hostile values.
_PARAMETERS = ("q", "page", "month", "day", "start", "invitation", "place", "zip", "posted")
QUERY_PAYLOADS = [
    "&".join(f"{name}={value}" for name in _PARAMETERS)
    for value in (
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        INVALID_UTF8,
        "%00%E2%80%AE",
        "%27%20OR%201%3D1%20--",
        HUGE_NUMBER,
        "99999-12-31",
    )
] + ["q=a&q=b&page=1&page=2&month=2026-01&month=x"]
