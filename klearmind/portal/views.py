"""The patient portal at /my/: sign in by an e-mailed link or a passkey, then the person's own
visits, documents, check-ins and scores. Every page is private (never cached); every page
with health information is written to the audit log as the patient's own access."""

import json
from functools import wraps

from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF, record
from klearmind.booking.links import PORTAL_IDLE, PORTAL_PERSON, portal_person
from klearmind.care.access import responses as access
from klearmind.care.check_ins.services import check_in_page_path, grant_check_in
from klearmind.clinic.http import client_ip, private_page

from . import overview, passkeys
from .forms import SignInForm
from .models import LINK_VALID
from .services import (
    SignInRefused,
    find_link,
    request_sign_in_link,
    sign_in,
    sign_out,
    use_sign_in_link,
)

IDLE_MINUTES = int(PORTAL_IDLE.total_seconds() // 60)


def signed_in(view):
    """The signed-in person's hash as the view's second argument; the sign-in page otherwise,
    saying so when the person was signed out for being idle."""

    @private_page
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        was_signed_in = bool(request.session.get(PORTAL_PERSON))
        person = portal_person(request.session)
        if not person:
            return redirect(reverse("portal:sign_in") + ("?idle=1" if was_signed_in else ""))
        return view(request, person, *args, **kwargs)

    return wrapped


def audit_own(request, person: str, patient, detail: str, *, action) -> None:
    """The patient's own access, about their record or, without one, about their address."""
    target = {"target": patient} if patient else {"target_type": "portal.person"}
    if not patient:
        target["target_id"] = person
    record(action=action, request=request, actor_label=PATIENT_ITSELF, detail=detail, **target)


def audit_view(request, person: str, patient, detail: str) -> None:
    audit_own(request, person, patient, detail, action=AuditEvent.Action.VIEW)


@private_page
@require_http_methods(["GET", "POST"])
def sign_in_page(request):
    if portal_person(request.session):
        return redirect("portal:home")
    form = SignInForm(request.POST or None)
    context = {"form": form, "idle": "idle" in request.GET, "idle_minutes": IDLE_MINUTES}
    context["origin"] = passkeys.relying_party()[1]
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            request_sign_in_link(email=email, ip=client_ip(request))
        except SignInRefused as refusal:
            context["refusal"] = refusal.message
            return TemplateResponse(request, "portal/sign_in.html", context, status=429)
        context = {"minutes": int(LINK_VALID.total_seconds() // 60)}
        return TemplateResponse(request, "portal/link_sent.html", context)
    status = 400 if form.errors else 200
    return TemplateResponse(request, "portal/sign_in.html", context, status=status)


@private_page
@require_http_methods(["GET", "POST"])
def open_link(request, token: str):
    """GET shows a button; only its POST uses the link, so a mail scanner that follows the
    link leaves it working for the person."""
    if request.method == "GET":
        link = find_link(token)
        if link is None or not link.is_usable():
            return link_gone(request, status=404 if link is None else 410)
        return TemplateResponse(request, "portal/open_link.html", {})
    person = use_sign_in_link(token=token)
    if not person:
        return link_gone(request, status=410)
    sign_in(request, person, how="e-mailed link")
    return redirect("portal:home")


def link_gone(request, *, status: int):
    context = {"form": SignInForm(), "minutes": int(LINK_VALID.total_seconds() // 60)}
    return TemplateResponse(request, "portal/link_gone.html", context, status=status)


@private_page
@require_POST
def sign_out_view(request):
    sign_out(request)
    return redirect(reverse("portal:sign_in") + "?signed_out=1")


@signed_in
def home(request, person: str):
    patient = overview.patient_of(person)
    visits = overview.upcoming_visits(person)
    context = {
        "visits": overview.visit_rows(visits),
        "preparation": overview.preparation(visits),
        "documents": overview.documents(person, visits),
        "check_ins": overview.check_ins_due(patient),
        "scores": overview.scores(patient, with_charts=False),
        "idle_minutes": IDLE_MINUTES,
    }
    audit_view(request, person, patient, "patient portal: home")
    return TemplateResponse(request, "portal/home.html", context)


@signed_in
def scores(request, person: str):
    patient = overview.patient_of(person)
    context = {"scores": overview.scores(patient)}
    audit_view(request, person, patient, "patient portal: scores")
    return TemplateResponse(request, "portal/scores.html", context)


RECORD_FORMATS = {
    "json": ("patient portal: record downloaded as JSON", access.json_download),
    "fhir": ("patient portal: record downloaded as a FHIR R4 Bundle", access.fhir_download),
}


@signed_in
def record_download(request, person: str, kind: str):
    """The person's own record to keep (their right of access), audited as an export."""
    detail, respond = RECORD_FORMATS[kind]
    patient = overview.patient_of(person)
    audit_export(request, person, patient, detail)
    return respond(person_hash=person, patient=patient)


@signed_in
def record_summary(request, person: str):
    patient = overview.patient_of(person)
    audit_export(request, person, patient, "patient portal: printable summary")
    return access.summary_response(
        request, person_hash=person, patient=patient, back_url=reverse("portal:home")
    )


def audit_export(request, person: str, patient, detail: str) -> None:
    audit_own(request, person, patient, detail, action=AuditEvent.Action.EXPORT)


@signed_in
def check_in(request, person: str, pk: int):
    """Open the person's own check-in: let this browser fill it, then go to its form."""
    found = overview.own_check_in(person, pk)
    if found is None:
        return TemplateResponse(request, "portal/not_found.html", {}, status=404)
    grant_check_in(request.session, found)
    return redirect(check_in_page_path(found))


@signed_in
def passkey_list(request, person: str):
    context = {
        "passkeys": passkeys.Passkey.objects.of_person(person),
        "origin": passkeys.relying_party()[1],
        "added": "added" in request.GET,
        "removed": "removed" in request.GET,
    }
    return TemplateResponse(request, "portal/passkeys.html", context)


@require_POST
@signed_in
def passkey_remove(request, person: str, pk: int):
    passkeys.remove_passkey(person=person, pk=pk)
    return redirect(reverse("portal:passkeys") + "?removed=1")


@require_POST
@signed_in
def passkey_add_options(request, person: str):
    name = overview.person_email(person) or "Patient"
    options = passkeys.registration_options(request.session, person=person, name=name)
    return JsonResponse(json.loads(options))


@require_POST
@signed_in
def passkey_add(request, person: str):
    try:
        passkeys.add_passkey(request.session, person=person, credential=request.body.decode())
    except (passkeys.PasskeyRefused, UnicodeDecodeError) as refusal:
        return JsonResponse(
            {"error": getattr(refusal, "message", passkeys.NOT_ACCEPTED)}, status=400
        )
    return JsonResponse({"redirect": reverse("portal:passkeys") + "?added=1"})


@private_page
@require_POST
def passkey_sign_in_options(request):
    return JsonResponse(json.loads(passkeys.authentication_options(request.session)))


@private_page
@require_POST
def passkey_sign_in(request):
    try:
        credential = request.body.decode()
        person = passkeys.sign_in_with_passkey(request.session, credential=credential)
    except (passkeys.PasskeyRefused, UnicodeDecodeError) as refusal:
        return JsonResponse(
            {"error": getattr(refusal, "message", passkeys.NOT_ACCEPTED)}, status=400
        )
    sign_in(request, person, how="passkey")
    return JsonResponse({"redirect": reverse("portal:home")})
