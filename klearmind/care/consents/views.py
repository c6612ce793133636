"""The public pages where a patient reads and signs consent documents, and downloads the
signed copies: for the person signed in to the portal, or for a browser that opened one of
their visits' links. Anyone else reads how to get in, and nothing more. Never cached."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import PATIENT_ITSELF, record
from klearmind.booking import links
from klearmind.booking.models import Appointment
from klearmind.clinic.http import private_page

from .forms import SignForm
from .models import ConsentDocument, ConsentSignature
from .services import pdf_bytes, sign_consent
from .standing import person_consents, upcoming_kinds

SESSION_SIGNED = "consent_signed"


class Signer:
    """Who is signing in this request: their e-mail hash, and the visit whose link let them in."""

    def __init__(self, request):
        self.visit = opened_visit(request)
        if self.visit is not None:
            self.person = self.visit.patient_email_hash
        else:
            self.person = "" if request.GET.get("visit") else links.portal_person(request.session)
        self.query = f"?visit={self.visit.pk}" if self.visit else ""

    def kinds(self) -> set[str]:
        if self.visit is not None:
            return {self.visit.service.kind}
        return upcoming_kinds(self.person)


def opened_visit(request) -> Appointment | None:
    raw = request.GET.get("visit", "")
    if not raw.isdigit() or len(raw) > 12:
        return None
    visit = Appointment.objects.select_related("service").filter(pk=int(raw)).first()
    if visit is None or not links.may_open_visit(request.session, visit):
        return None
    return None if links.visit_link_expired(visit) else visit


def no_access(request):
    return render(request, "care/consent_no_access.html", status=403)


def audit_view(request, *, target=None, detail: str) -> None:
    record(
        action=AuditEvent.Action.VIEW,
        request=request,
        actor_label=PATIENT_ITSELF,
        target=target,
        target_type="" if target else ConsentSignature._meta.label_lower,
        detail=detail,
    )


@private_page
@require_http_methods(["GET"])
def consent_list(request):
    signer = Signer(request)
    if not signer.person:
        return no_access(request)
    lines = person_consents(signer.person, kinds=signer.kinds())
    signed = request.session.pop(SESSION_SIGNED, None)
    audit_view(request, detail="own consents: " + ", ".join(str(s.pk) for s in lines["signed"]))
    context = {**lines, "query": signer.query, "just_signed": signed}
    return render(request, "care/consent_list.html", context)


@private_page
@require_http_methods(["GET", "POST"])
def sign(request, slug: str):
    signer = Signer(request)
    if not signer.person:
        return no_access(request)
    document = get_object_or_404(ConsentDocument.objects.active(), slug=slug)
    version = document.current_version
    if version is None:
        return no_access(request)
    form = SignForm(request.POST or None, initial={"version": version.pk, "sha256": version.sha256})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            signature = sign_consent(
                document=document,
                shown_version=form.cleaned_data["version"],
                shown_sha256=form.cleaned_data["sha256"],
                person_hash=signer.person,
                signed_name=form.cleaned_data["signed_name"],
                drawn_signature=form.cleaned_data["drawn_signature"],
                electronic_consent=form.cleaned_data["electronic_consent"],
                request=request,
            )
        except ValidationError as error:
            stale = error.code == "stale_version"
            form = refused(form, error, version=document.current_version)
        else:
            request.session[SESSION_SIGNED] = signature.pk
            return redirect(reverse("consents:list") + signer.query)
    context = sign_context(document, form, stale=stale, action=request.get_full_path())
    context["query"] = signer.query
    return render(request, "care/consent_sign.html", context, status=400 if form.errors else 200)


def sign_context(document, form: SignForm, *, stale: bool, action: str) -> dict:
    """The signing page's context: the version the form is bound to, shown in full."""
    shown = str(form["version"].value())
    version = shown.isdigit() and document.versions.filter(pk=int(shown)).first()
    version = version or document.current_version
    return {
        "document": document,
        "version": version,
        "form": form,
        "stale": stale,
        "action": action,
    }


def refused(form, error: ValidationError, *, version) -> SignForm:
    """The form again, what was typed kept; for a stale version, bound to the new text."""
    if error.code == "stale_version":
        data = form.data.copy()
        data["version"], data["sha256"] = version.pk, version.sha256
        fresh = SignForm(data)
        fresh.is_valid()
        fresh.add_error(None, error)
        return fresh
    form.add_error(None, error)
    return form


@private_page
@require_http_methods(["GET"])
def copy(request, pk: int):
    signer = Signer(request)
    if not signer.person:
        return no_access(request)
    signature = ConsentSignature.objects.of_person(signer.person).filter(pk=pk).first()
    if signature is None:
        return render(request, "care/consent_no_copy.html", {"query": signer.query}, status=404)
    audit_view(request, target=signature, detail="own signed copy (PDF)")
    return pdf_response(signature)


def pdf_response(signature: ConsentSignature) -> HttpResponse:
    response = HttpResponse(pdf_bytes(signature), content_type="application/pdf")
    day = timezone.localtime(signature.signed_at).date().isoformat()
    name = f"consent-{signature.version.document.slug}-{day}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
