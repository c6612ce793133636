"""Fill a rendered form with a payload, send it, and check what must never happen."""

from dataclasses import dataclass, field
from urllib.parse import quote_plus

from bs4 import BeautifulSoup
from django.apps import apps
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from klearmind.accounts.demo import ensure_demo_staff
from klearmind.accounts.tests.factories import sign_in, staff
from klearmind.audit.models import AuditEvent
from klearmind.booking.demo import ensure_demo_booking
from klearmind.care.demo import load_care_demo
from klearmind.comments.demo import ensure_demo_comments
from klearmind.comments.models import CommentSettings
from klearmind.enquiries.demo import load_enquiries_demo
from klearmind.intake.demo import load_intake_demo
from klearmind.pages.demo import load_demo

from .payloads import INJECTED_RECIPIENT, Payload

TEXT_TYPES = {"text", "search", "password", "", None}
KEEP_AS_RENDERED = {"csrfmiddlewaretoken"}
# How a refused form looks once rendered again: Django's and Wagtail's error markup.
ERROR_MARKERS = ('aria-invalid="true"', 'class="errorlist', "error-message", "w-field--error")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Traps for robots stay empty: a filled one makes a form pretend to accept and store nothing.
HONEYPOTS = {"website", "homepage"}
HIDDEN_KINDS = {"email": "email", "phone": "tel", "zip": "tel"}
# Careful values for fields whose kind alone does not say what is valid.
CAREFUL_BY_NAME = {
    "date_of_birth": "1980-05-17",
    "zip_code": "95814",
    "zip": "95814",
    "phone": "916 555 0100",
    "email": "reader@example.org",
}


def counted_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith(("klearmind", "wagtail.contrib.forms", "wagtail.models"))
        and model._meta.managed
        and not model._meta.proxy
        and ".testapp" not in model.__module__
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in counted_models()}


def changed(before: dict, after: dict) -> dict[str, int]:
    return {
        label: after[label] - before[label] for label in before if after[label] != before[label]
    }


@dataclass
class Field:
    name: str
    kind: str  # text, email, url, number, date, time, tel, hidden, choice, checkbox
    value: str
    required: bool = False


def form_fields(form) -> list[Field]:
    """The successful controls of `form`, with the values a careful person would send."""
    fields, seen_radios = [], set()
    for tag in form.select("input[name], textarea[name], select[name]"):
        name = tag["name"]
        if tag.name == "textarea":
            # A browser drops the newline that opens a textarea's content (Django writes one).
            text = tag.get_text().removeprefix("\n")
            fields.append(Field(name, "text", text, tag.has_attr("required")))
        elif tag.name == "select":
            options = [o.get("value", o.get_text()) for o in tag.select("option")]
            chosen = tag.select_one("option[selected]")
            value = chosen.get("value", "") if chosen else next((o for o in options if o), "")
            fields.append(Field(name, "choice", value))
        else:
            kind = tag.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if kind == "radio" and name in seen_radios:
                    continue
                group = form.select(f'input[name="{name}"]')
                checked = [t for t in group if t.has_attr("checked")]
                # A group of checkboxes may need one ticked and cannot say so with `required`.
                if kind == "radio" or checked or tag.has_attr("required") or len(group) > 1:
                    seen_radios.add(name)
                    value = (checked or group)[0].get("value", "on")
                    fields.append(Field(name, "choice", value))
                continue
            fields.append(
                Field(name, kind if kind not in TEXT_TYPES else "text", tag.get("value", ""))
            )
    return fields


def default_value(field: Field) -> str:
    if field.name in HONEYPOTS:
        return ""
    if field.name in CAREFUL_BY_NAME and field.kind != "hidden":
        return CAREFUL_BY_NAME[field.name]
    if field.value or field.kind in {"hidden", "choice"}:
        return field.value
    defaults = {
        "email": "reader@example.org",
        "url": "https://example.org/",
        "number": "1",
        "date": timezone.localdate().isoformat(),
        "time": "10:00",
        "datetime-local": f"{timezone.localdate().isoformat()}T10:00",
        "tel": "916 555 0100",
    }
    return defaults.get(field.kind, "A careful answer")


def hostile_value(field: Field, payload: Payload) -> str | None:
    """What `payload` puts in `field`; None keeps the careful value."""
    by_kind = {
        "text": payload.text,
        "email": payload.email,
        "url": payload.url,
        "number": payload.number,
        "date": payload.date,
        "datetime-local": payload.date,
        "time": payload.date,
        "tel": payload.tel,
        "choice": payload.choice,
    }
    return by_kind.get(field.kind)


def encode(pairs: list[tuple[str, str, bool]]) -> bytes:
    """A form-urlencoded body; values marked raw are already percent-encoded."""
    parts = [f"{quote_plus(k)}={v if raw else quote_plus(v)}" for k, v, raw in pairs]
    return "&".join(parts).encode("ascii")


def hostile_body(
    fields: list[Field], payload: Payload, *, button=None, keep=(), hidden=(), extra=None
) -> bytes:
    """`payload` in every field but `keep`, and in the hidden fields named in `hidden`."""
    pairs = []
    for f in fields:
        careful = default_value(f)
        kept = f.name in keep or f.name in HONEYPOTS or f.name in KEEP_AS_RENDERED
        if f.kind == "hidden":
            value = (
                None if kept or not hidden else hostile_value(Field(f.name, "text", ""), payload)
            )
        else:
            value = None if kept else hostile_value(f, payload)
        if value is None:
            pairs.append((f.name, careful, False))
        elif payload.twice:
            pairs += [(f.name, careful, False), (f.name, value, False)]
        else:
            pairs.append((f.name, value, payload.raw))
    if button:
        pairs.append((*button, False))
    pairs += [(name, value, False) for name, value in (extra(payload) if extra else {}).items()]
    return encode(pairs)


def careful_body(fields: list[Field], *, button=None, values=None) -> bytes:
    pairs = [(f.name, (values or {}).get(f.name, default_value(f)), False) for f in fields]
    if button:
        pairs.append((*button, False))
    return encode(pairs)


def is_refusal(response) -> bool:
    if response.status_code >= 400:
        return True
    body = response.content.decode(errors="replace")
    return response.status_code == 200 and any(marker in body for marker in ERROR_MARKERS)


def unescaped_reflections(body: bytes) -> list[str]:
    """Markup or script from a payload that a browser would run."""
    text = body.decode(errors="replace")
    found = [raw for raw in ("<script>alert(1)", "<img src=x onerror") if raw in text]
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if attribute.startswith("on") and "alert(1)" in value:
                found.append(f"{tag.name}[{attribute}]")
            if attribute in {
                "href",
                "src",
                "action",
                "formaction",
            } and value.strip().lower().startswith("javascript:"):
                found.append(f"{tag.name}[{attribute}]={value}")
        if tag.name == "script" and "alert(1)" in (tag.string or ""):
            found.append("script")
    return found


def injected_emails() -> list[str]:
    bad = []
    for message in mail.outbox:
        headers = [message.subject, message.from_email, *message.to, *message.cc, *message.bcc]
        headers += [*message.reply_to, *message.extra_headers.values()]
        if any("\r" in h or "\n" in h for h in headers):
            bad.append(message.subject)
        if any(INJECTED_RECIPIENT in h for h in [*message.to, *message.cc, *message.bcc]):
            bad.append(f"sent to {INJECTED_RECIPIENT}: {message.subject}")
    return bad


@dataclass
class Outcome:
    response: object
    final: object
    writes: dict = field(default_factory=dict)
    audited: set = field(default_factory=set)  # actions of the audit events it wrote


# What a refused form may still write to the audit log: a failure, or a look at a record.
REFUSAL_AUDIT_ACTIONS = {"failed_login", "locked_out", "permission_denied", "view"}


class HostileInputTestCase(TestCase):
    """The demo clinic, a reader's browser and an owner signed in with both factors."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        ensure_demo_staff()
        ensure_demo_comments()
        load_intake_demo()
        ensure_demo_booking()
        load_care_demo()
        load_enquiries_demo()
        comment_settings = CommentSettings.load()
        comment_settings.time_trap_seconds = 0
        comment_settings.save()
        cls.owner = staff("Owner", authenticator=True)

    def setUp(self):
        self.reader = Client(raise_request_exception=False)
        self.clinician = sign_in(Client(raise_request_exception=False), self.owner)
        self.address = 0

    def next_address(self) -> str:
        """A new client address per request, so that rate limits do not hide a form."""
        self.address += 1
        return f"198.51.{self.address // 250}.{self.address % 250 + 1}"

    def form_on(self, client, url: str, selector: str):
        return self.form_in(client.get(url), selector, url)

    def form_in(self, response, selector: str, url: str):
        assert response.status_code == 200, (url, response.status_code)
        form = BeautifulSoup(response.content, "html.parser").select_one(selector)
        assert form is not None, f"no {selector} on {url}"
        return form

    def send(self, client, action: str, body: bytes) -> Outcome:
        before = row_counts()
        last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                action, body, content_type=FORM_CONTENT_TYPE, REMOTE_ADDR=self.next_address()
            )
        final = response
        if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
            final = client.get(response["Location"])
        audited = set(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True))
        return Outcome(response, final, changed(before, row_counts()), audited)

    def assert_survived(self, outcome: Outcome, context) -> None:
        for response in (outcome.response, outcome.final):
            assert response.status_code < 500, (context, response.status_code)
            found = unescaped_reflections(response.content)
            assert not found, (context, found)
        if is_refusal(outcome.response):
            writes = {k: v for k, v in outcome.writes.items() if k != "audit.AuditEvent"}
            assert not writes, (context, "refused yet wrote", outcome.writes)
            assert outcome.audited <= REFUSAL_AUDIT_ACTIONS, (context, outcome.audited)
        assert not injected_emails(), (context, injected_emails())


class FormTestMixin:
    """Throw payloads at one rendered form (needs HostileInputTestCase's helpers)."""

    def throw(
        self,
        client,
        url,
        selector,
        payloads,
        *,
        button=None,
        keep=(),
        expected=None,
        last=False,
        hidden=(),
        page=None,
        extra=None,
    ):
        """Each payload in every field of the form at `url`; returns what each did.

        With `last`, the form ends its flow once it accepts: the payloads that break choices
        go first, and the first one accepted is the last sent. `page` renders the form when
        a GET of `url` does not (a step reached by a POST); `extra` adds
        fields a script would build in a browser.
        """
        outcome, outcomes, form = None, [], None
        if last:
            payloads = sorted(payloads, key=lambda payload: payload.choice is None)
        for payload in payloads:
            if last and outcome is not None and outcome.writes:
                break
            with self.subTest(form=url, payload=str(payload)):
                # A refused form leaves the page as it was: render it again only after a write.
                if form is None or outcome.writes or page:
                    form = self.form_in(page() if page else client.get(url), selector, url)
                action = form.get("action") or url
                fields = form_fields(form)
                body = hostile_body(
                    fields, payload, button=button, keep=keep, hidden=hidden, extra=extra
                )
                outcome = self.send(client, action, body)
                outcomes.append(outcome)
                self.assert_survived(outcome, (url, str(payload)))
                if expected is not None and outcome.writes:
                    assert_whole(outcome.writes, expected, (url, str(payload)))
        return outcomes

    def send_carefully(self, client, url, selector, *, button=None, values=None) -> Outcome:
        form = self.form_on(client, url, selector)
        body = careful_body(form_fields(form), button=button, values=values)
        outcome = self.send(client, form.get("action") or url, body)
        errors = BeautifulSoup(outcome.response.content, "html.parser").select("[id$=_error]")
        assert outcome.response.status_code < 400, (url, [e.get_text(" ", True) for e in errors])
        return outcome


def assert_whole(writes: dict, expected: dict, context) -> None:
    """A form that writes writes its whole record: exactly `expected`, rows of other models
    allowed to vary (sessions, audit) named with None."""
    significant = {label: n for label, n in writes.items() if expected.get(label, 0) is not None}
    wanted = {label: n for label, n in expected.items() if n is not None}
    assert significant == wanted, (context, writes)
