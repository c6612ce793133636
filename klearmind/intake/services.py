"""Questionnaire workflows: drafts, the final submission, triage in the back office, erasure."""

import datetime
import logging
import secrets

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from klearmind.accounts.roles import holders_of
from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record
from klearmind.booking.models import Invitation
from klearmind.booking.services import issue_invitation
from klearmind.clinic.models import ClinicSettings
from klearmind.encryption.keys import email_lookup_hash, keyed_hash
from klearmind.outbox.models import Channel, ContactSource, OutgoingMessage
from klearmind.outbox.services import about_type, enqueue, record_contact_consent

from . import scoring, steps
from .consultation import match_upcoming_consultation
from .emails import SUBMISSION, outbox_kind
from .forms import CONTACT_CONSENT_WORDING
from .models import (
    ContactMethod,
    Draft,
    EmailKind,
    IntakeSettings,
    Language,
    Note,
    Status,
    StatusChange,
    Submission,
)

logger = logging.getLogger(__name__)

# Per client address, per hour: enough for a family sharing a connection, too few for a bot.
# "link" counts both ways of asking for a resume link (shown or e-mailed).
RATE_LIMITS = {"start": 10, "submit": 5, "link": 5}
RATE_WINDOW_SECONDS = 3600


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return keyed_hash(token, purpose="intake-resume")


def within_rate_limit(*, ip: str | None, action: str) -> bool:
    """Count one more `action` from this address; False once the hour's allowance is spent."""
    key = f"intake-rate:{action}:{keyed_hash(ip or 'unknown', purpose='intake-rate')}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count <= RATE_LIMITS[action]


def start_draft(*, about: dict) -> tuple[Draft, str]:
    """Store the first step's answers in a new draft; return it and its secret resume token.

    The questionnaire's pages drop that token: a candidate gets a link when they ask for one
    (`issue_resume_token`)."""
    from .tasks import erase_stale_drafts_task

    token = new_token()
    with transaction.atomic():
        draft = Draft.objects.create(
            token_hash=token_hash(token),
            answers={steps.FIRST.slug: about},
            step=steps.FIRST.slug,
        )
        draft.step = steps.neighbour(steps.FIRST, draft.answers, offset=1).slug
        draft.save(update_fields=["step"])
        # Every new draft sweeps out the stale ones, besides the scheduler's daily run.
        transaction.on_commit(lambda: erase_stale_drafts_task.enqueue())
    return draft, token


def issue_resume_token(*, draft: Draft) -> str:
    """A new resume token for the draft, whose hash replaces the old one: only the newest link
    opens the draft. The token is stored nowhere; the caller shows or e-mails it at once."""
    token = new_token()
    draft.token_hash = token_hash(token)
    draft.save(update_fields=["token_hash"])
    return token


def send_resume_link(*, draft: Draft, link: str) -> bool:
    """E-mail the candidate their resume link, at once; False when the mail server failed.

    Sent from the request rather than the outbox: an outbox row would have to keep the token,
    which is stored nowhere. The e-mail holds the link and nothing the candidate answered, in
    the language of the page that asked for it."""
    body = gettext(
        "Here is your private link to finish the questionnaire you started:\n\n"
        "%(link)s\n\n"
        "It works for %(days)s days after your last change, until you ask us for a new link. "
        "Anyone who has it can open your answers, so please do not forward this e-mail.\n\n"
        "If you did not start a questionnaire with us, ignore this e-mail.\n"
    ) % {"link": link, "days": IntakeSettings.load().draft_retention_days}
    message = EmailMessage(
        gettext("Your link to finish the questionnaire"),
        body,
        to=[draft.answers["about"]["email"]],
    )
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any SMTP or network failure
        logger.warning("A resume-link e-mail failed: %s", type(error).__name__)
        return False
    return True


def save_step(*, draft: Draft, step: str, data: dict, next_step: str) -> Draft:
    """Keep one step's answers. A positive PHQ-9 item 9 makes the draft urgent there and then,
    sent or not, and e-mails the on-call clinician once (a link, no health detail)."""
    with transaction.atomic():
        raised = draft.save_step(step=step, data=data, next_step=next_step)
        if raised:
            queue_draft_alert(draft)
    return draft


def queue_draft_alert(draft: Draft) -> None:
    if not emails_about(draft).filter(kind=outbox_kind(EmailKind.URGENT_DRAFT)).exists():
        enqueue(
            kind=outbox_kind(EmailKind.URGENT_DRAFT),
            recipient=ClinicSettings.load().on_call_address(),
            about=draft,
            once=True,
        )


def emails_about(record: Draft | Submission):
    """The outbox's messages about a draft or a submission."""
    return OutgoingMessage.objects.about(about_type(record), record.pk)


def find_draft(token: str) -> Draft | None:
    return Draft.objects.filter(token_hash=token_hash(token)).first()


def assessment_for(answers: dict, *, today: datetime.date, pcl5_cutoff: int):
    chosen = steps.chosen_conditions(answers)

    def items(slug: str, count: int):
        return [answers[slug][f"{slug}_{n}"] for n in range(1, count + 1)]

    return scoring.assess(
        phq9=items("phq9", scoring.PHQ9_ITEM_COUNT),
        gad7=items("gad7", scoring.GAD7_ITEM_COUNT) if "anxiety" in chosen else None,
        pcl5=items("pcl5", scoring.PCL5_ITEM_COUNT) if "ptsd" in chosen else None,
        pain=answers["pain"]["pain"] if "chronic_pain" in chosen else None,
        screening_answers=answers["history"],
        pcl5_cutoff=pcl5_cutoff,
    )


def submit_draft(
    *, draft: Draft, notify: bool = True, language: str = Language.ENGLISH
) -> Submission:
    """Score the finished draft and store it as one submission (however often it is sent), with
    the language it was answered in; erase the draft, and queue the confirmation and, when
    urgent, the on-call e-mail."""
    intake_settings = IntakeSettings.load()
    with transaction.atomic():
        locked = Draft.objects.select_for_update().filter(pk=draft.pk).first()
        if locked is None:  # already submitted by a request a moment earlier
            return Submission.objects.get(draft_key=draft.token_hash)
        answers = {
            step.slug: locked.answers[step.slug] for step in steps.active_steps(locked.answers)
        }
        assessment = assessment_for(
            answers, today=timezone.localdate(), pcl5_cutoff=intake_settings.pcl5_cutoff
        )
        about, finish = answers["about"], answers["finish"]
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    draft_key=locked.token_hash,
                    full_name=about["full_name"],
                    email=about["email"],
                    phone=about["phone"],
                    date_of_birth=datetime.date.fromisoformat(about["date_of_birth"]),
                    zip_code=about["zip_code"],
                    preferred_contact=about["preferred_contact"],
                    location=finish["location"],
                    conditions=steps.chosen_conditions(answers),
                    answers=answers,
                    results=assessment.as_dict(),
                    # Urgent too when an earlier positive item 9 was changed back and no
                    # clinician has reviewed the draft yet.
                    urgent=assessment.urgent or (locked.urgent and locked.reviewed_at is None),
                    item9_history=locked.item9_history,
                    language=language if language in Language.values else Language.ENGLISH,
                )
        except IntegrityError:
            return Submission.objects.get(draft_key=locked.token_hash)
        StatusChange.objects.create(submission=submission, to_status=Status.NEW)
        record_questionnaire_consent(submission, agreed=bool(finish.get("consent_contact")))
        match_upcoming_consultation(submission)
        # The on-call clinician was told about the draft already: that e-mail (and whether it
        # failed) now belongs to the submission, and is not sent a second time.
        told = emails_about(locked).filter(kind=outbox_kind(EmailKind.URGENT_DRAFT))
        already_told = told.update(about_type=SUBMISSION, about_id=submission.pk) > 0
        locked.delete()
        if notify:
            queue_email(submission, EmailKind.RECEIVED, submission.email)
            if submission.urgent and not already_told:
                queue_email(submission, EmailKind.URGENT, ClinicSettings.load().on_call_address())
    return submission


# The way of contact chosen in the questionnaire, as the outbox's channel (a call is no channel).
CONTACT_CHANNELS = {ContactMethod.EMAIL: Channel.EMAIL, ContactMethod.TEXT: Channel.TEXT}


def record_questionnaire_consent(submission: Submission, *, agreed: bool) -> None:
    """The questionnaire's "contact me in the way I chose", kept for the channel chosen."""
    channel = CONTACT_CHANNELS.get(submission.preferred_contact)
    if channel is not None:
        with translation.override(submission.language):  # the words the candidate was shown
            wording = gettext(CONTACT_CONSENT_WORDING)
        record_contact_consent(
            person_hash=submission.email_hash,
            channel=channel,
            given=agreed,
            wording=wording,
            source=ContactSource.QUESTIONNAIRE,
        )


def queue_email(submission: Submission, kind: str, recipient: str) -> None:
    """At most one e-mail of each kind per questionnaire, whatever its recipient."""
    if not emails_about(submission).filter(kind=outbox_kind(kind)).exists():
        enqueue(kind=outbox_kind(kind), recipient=recipient, about=submission, once=True)


# The stale drafts erased per statement: each found by the index on updated_at, each batch
# deleted by key without reading (or decrypting) the answers.
DRAFT_ERASURE_BATCH = 500


def erase_stale_drafts(*, now: datetime.datetime | None = None) -> int:
    """Delete unfinished drafts untouched for the retention period, except urgent ones no
    clinician has reviewed yet; return how many. With none stale, one look-up of the index."""
    days = IntakeSettings.load().draft_retention_days
    stale = Draft.objects.stale(days=days, now=now).order_by("updated_at", "pk")
    erased = 0
    while ids := list(stale.values_list("pk", flat=True)[:DRAFT_ERASURE_BATCH]):
        deleted, _ = Draft.objects.filter(pk__in=ids).only("pk").delete()
        erased += deleted
    return erased


def erase_candidate_data(*, email: str) -> int:
    """Delete every questionnaire sent from this e-mail address, with its notes, history and
    e-mail; audit the erasure without the address. Returns how many were erased."""
    with transaction.atomic():
        submissions = Submission.objects.filter(email_hash=email_lookup_hash(email))
        ids = list(submissions.values_list("pk", flat=True))
        submissions.delete()
        OutgoingMessage.objects.about(SUBMISSION, *ids).delete()
        for pk in ids:
            record(
                action=AuditEvent.Action.DELETE,
                target_type=Submission._meta.label_lower,
                target_id=str(pk),
                detail="erased at the candidate's request",
            )
    return len(ids)


# Back office.


def clinicians():
    """Active people who may record health information: whom a questionnaire can go to."""
    return holders_of("accounts.change_health_record").order_by("username")


def change_status(*, submission: Submission, to: str, by, request=None) -> Submission:
    """Move the questionnaire along the triage, recording who and when, and audit it."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        change = locked.change_status(to, by=by)
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            actor=by,
            target=locked,
            detail=f"status {change.from_status} → {change.to_status}",
        )
    return locked


def add_note(*, submission: Submission, text: str, by, request=None) -> Note:
    with transaction.atomic():
        note = Note.objects.create(submission=submission, author=by, text=text)
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=submission,
            detail=f"note {note.pk}",
        )
    return note


def assign_clinician(*, submission: Submission, clinician, by, request=None) -> Submission:
    with transaction.atomic():
        submission.assign(clinician)
        who = clinician.get_username() if clinician else "nobody"
        record(
            action=AuditEvent.Action.CHANGE,
            request=request,
            actor=by,
            target=submission,
            detail=f"assigned to {who}",
        )
    return submission


def invite_to_book(*, submission: Submission, by, request=None) -> Invitation:
    """E-mail an accepted candidate a personal link to book treatment online (booking's
    invitation), unless one is still open; self-booking of treatment waits for this."""
    if submission.status != Status.ACCEPTED:
        raise ValidationError(
            "Only an accepted candidate can be invited to book treatment online.",
            code="not_accepted",
        )
    open_invitations = Invitation.objects.usable().filter(email_hash=submission.email_hash)
    if open_invitations.exists():
        raise ValidationError(
            "This candidate already has a booking invitation that is unused and still valid.",
            code="already_invited",
        )
    with transaction.atomic():
        invitation = issue_invitation(name=submission.full_name, email=submission.email, by=by)
        record(
            action=AuditEvent.Action.CREATE,
            request=request,
            actor=by,
            target=submission,
            detail=f"booking invitation {invitation.pk}",
        )
    return invitation
