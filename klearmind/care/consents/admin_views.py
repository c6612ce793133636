"""Consent documents in the back office: clinicians and the owner write them and publish
versions; any staff member beside a patient can witness a signature on the clinic's tablet;
those who read health records download signed copies. Every view and change is audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from klearmind.accounts.access import protected_view
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import ServiceKind

from ..patients.models import Patient
from .forms import DeclineForm, DocumentForm, SignForm, VersionForm
from .models import ConsentDecline, ConsentDocument, ConsentSignature, ConsentVersion
from .services import publish_version, record_decline, sign_consent
from .standing import person_consents
from .views import pdf_response, refused, sign_context

VIEW = "care.view_consentdocument"
ADD = "care.add_consentdocument"
CHANGE = "care.change_consentdocument"
HEALTH = "accounts.view_health_record"
# The front desk and clinicians: whoever stands beside the patient at the desk or the chair.
WITNESS = "accounts.view_patient_contact"


def signers_per_version() -> dict[int, int]:
    counts = ConsentSignature.objects.values("version").annotate(
        n=Count("person_hash", distinct=True)
    )
    return {row["version"]: row["n"] for row in counts}


@protected_view(VIEW)
def document_list(request):
    documents = ConsentDocument.objects.prefetch_related("versions")
    signers = signers_per_version()
    rows = []
    for document in documents:
        current = max(document.versions.all(), key=lambda v: v.number, default=None)
        rows.append((document, current, signers.get(current.pk, 0) if current else 0))
    context = {"rows": rows, "can_add": request.user.has_perm(ADD)}
    return TemplateResponse(request, "care/admin/consent_list.html", context)


@protected_view(ADD)
@require_http_methods(["GET", "POST"])
def document_create(request):
    return document_form(request, ConsentDocument())


@protected_view(CHANGE)
@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int):
    return document_form(request, get_object_or_404(ConsentDocument, pk=pk))


def document_form(request, document: ConsentDocument):
    adding = document.pk is None
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        document = form.save()
        record(
            action=AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE,
            request=request,
            target=document,
            detail=f"consent document settings: {', '.join(form.changed_data) or 'none'}",
        )
        messages.success(request, "Document saved." + (" Now publish its text." if adding else ""))
        return redirect(
            "care_admin:consent_publish" if adding else "care_admin:consent", document.pk
        )
    context = {"form": form, "document": document, "adding": adding}
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, "care/admin/consent_document_form.html", context, status=status
    )


@protected_view(VIEW)
def document_detail(request, pk: int):
    document = get_object_or_404(ConsentDocument, pk=pk)
    versions = document.versions.select_related("published_by")
    signers = signers_per_version()
    context = {
        "document": document,
        "versions": [(version, signers.get(version.pk, 0)) for version in versions],
        "can_change": request.user.has_perm(CHANGE),
    }
    return TemplateResponse(request, "care/admin/consent_detail.html", context)


@protected_view(CHANGE)
@require_http_methods(["GET", "POST"])
def publish(request, pk: int):
    document = get_object_or_404(ConsentDocument, pk=pk)
    current = document.current_version
    initial = (
        {"title": current.title, "body": current.body} if current else {"title": document.title}
    )
    form = VersionForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = ConsentVersion(document=document, **form.cleaned_data)
        else:
            version = publish_version(
                document=document,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary_of_changes"],
                by=request.user,
                request=request,
            )
            messages.success(request, f"Version {version.number} published.")
            return redirect("care_admin:consent", document.pk)
    context = {"document": document, "form": form, "preview": preview, "current": current}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "care/admin/consent_publish.html", context, status=status)


@protected_view(VIEW)
def version_detail(request, pk: int):
    version = get_object_or_404(ConsentVersion.objects.select_related("document"), pk=pk)
    context = {"document": version.document, "version": version}
    return TemplateResponse(request, "care/admin/consent_version.html", context)


@protected_view(HEALTH)
def signature_copy(request, pk: int):
    signature = get_object_or_404(
        ConsentSignature.objects.select_related("version__document"), pk=pk
    )
    record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target=signature,
        detail="signed consent copy (PDF) downloaded",
    )
    return pdf_response(signature)


# Witnessed in the clinic ------------------------------------------------------------------------


@protected_view(WITNESS)
def patient_consents(request, pk: int):
    patient = get_object_or_404(Patient, pk=pk)
    record(action=AuditEvent.Action.VIEW, request=request, target=patient, detail="consents")
    return consent_page(request, patient)


def consent_page(request, patient, *, decline_form=None, declining="", status=200):
    declines = ConsentDecline.objects.of_person(patient.email_hash).listed()
    context = {
        "patient": patient,
        **person_consents(patient.email_hash, kinds=ServiceKind.values),
        "declines": list(declines),
        "decline_form": decline_form or DeclineForm(),
        "declining": declining,
        "can_download": request.user.has_perm(HEALTH),
    }
    return TemplateResponse(request, "care/admin/consent_patient.html", context, status=status)


@protected_view(WITNESS)
@require_http_methods(["POST"])
def record_declined(request, pk: int, slug: str):
    """The patient, handed the tablet, declined to sign a document they may decline: kept
    with the reason, as HIPAA asks of the privacy notice's acknowledgement."""
    patient = get_object_or_404(Patient, pk=pk)
    document = get_object_or_404(ConsentDocument.objects.active(), slug=slug)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            decline = record_decline(
                document=document,
                person_hash=patient.email_hash,
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Kept: the patient declined {decline.version.title}.")
            return redirect("care_admin:patient_consents", patient.pk)
    return consent_page(request, patient, decline_form=form, declining=document.slug, status=400)


@protected_view(WITNESS)
@require_http_methods(["GET", "POST"])
def witness(request, pk: int, slug: str):
    patient = get_object_or_404(Patient, pk=pk)
    document = get_object_or_404(ConsentDocument.objects.active(), slug=slug)
    version = document.current_version
    if version is None or not patient.email_hash:
        messages.error(request, "This document cannot be signed yet: it has no published text.")
        return redirect("care_admin:patient_consents", patient.pk)
    form = SignForm(request.POST or None, initial={"version": version.pk, "sha256": version.sha256})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            sign_consent(
                document=document,
                shown_version=form.cleaned_data["version"],
                shown_sha256=form.cleaned_data["sha256"],
                person_hash=patient.email_hash,
                signed_name=form.cleaned_data["signed_name"],
                drawn_signature=form.cleaned_data["drawn_signature"],
                electronic_consent=form.cleaned_data["electronic_consent"],
                request=request,
                witnessed_by=request.user,
            )
        except ValidationError as error:
            stale = error.code == "stale_version"
            form = refused(form, error, version=document.current_version)
        else:
            messages.success(request, f"{version.title} signed, witnessed by you.")
            return redirect("care_admin:patient_consents", patient.pk)
    if request.method == "GET":
        record(
            action=AuditEvent.Action.VIEW,
            request=request,
            target=patient,
            detail=f"witness {document.slug}",
        )
    context = {**sign_context(document, form, stale=stale, action=request.path), "patient": patient}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "care/admin/consent_witness.html", context, status=status)
