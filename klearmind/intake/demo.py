"""Sample candidates for the demo clinic, sent through the same services as a real
questionnaire so their scores are real. Safe to run again: a candidate already present (found
by the keyed hash of their e-mail address) is left alone."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from klearmind.accounts import roles
from klearmind.accounts.demo import demo_user
from klearmind.booking.availability import Place, epoch, load_schedule
from klearmind.booking.models import Appointment, Location, Service, ServiceKind
from klearmind.booking.services import Patient, book_appointment, earliest_start
from klearmind.encryption.keys import email_lookup_hash

from . import services
from .models import Draft, Status, Submission
from .questionnaires import NO, SCREENING_QUESTIONS, YES


@dataclass(frozen=True)
class DemoCandidate:
    name: str
    email: str
    born: datetime.date
    conditions: tuple[str, ...]
    location: str
    phq9: tuple[int, ...]
    gad7: tuple[int, ...] = (0,) * 7
    pcl5: tuple[int, ...] = (0,) * 20
    pain: int = 0
    yes_to: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    note: str = ""
    days_ago: int = 1
    medications: str = ""


CANDIDATES = (
    DemoCandidate(
        name="Jordan Avery",
        email="jordan.avery@example.org",
        born=datetime.date(1991, 3, 14),
        conditions=("depression",),
        location="sacramento",
        phq9=(3, 3, 2, 3, 2, 3, 2, 1, 1),
        medications="Sertraline 100 mg daily",
        days_ago=0,
    ),
    DemoCandidate(
        name="Maya Lindqvist",
        email="maya.lindqvist@example.org",
        born=datetime.date(1984, 9, 2),
        conditions=("anxiety", "depression"),
        location="roseville",
        phq9=(2, 2, 2, 2, 1, 2, 1, 1, 0),
        gad7=(2, 3, 2, 2, 1, 2, 2),
        statuses=(Status.REVIEWING, Status.CONSULTATION_BOOKED),
        note="Spoke by phone; free consultation booked in Roseville. Two antidepressants tried.",
        days_ago=3,
        medications="Escitalopram 10 mg daily; bupropion stopped last year",
    ),
    DemoCandidate(
        name="Theo Ramirez",
        email="theo.ramirez@example.org",
        born=datetime.date(1979, 6, 21),
        conditions=("ptsd",),
        location="home",
        phq9=(1, 2, 2, 1, 1, 1, 1, 0, 0),
        pcl5=(3, 3, 2, 3, 3, 3, 2, 1, 2, 2, 3, 2, 2, 2, 2, 1, 3, 3, 2, 3),
        yes_to=("seizures",),
        statuses=(Status.REVIEWING, Status.DECLINED),
        note="Seizure disorder: not suitable for ketamine here; referred back to his neurologist.",
        days_ago=6,
    ),
    DemoCandidate(
        name="Grace Whitmore",
        email="grace.whitmore@example.org",
        born=datetime.date(1953, 1, 30),
        conditions=("chronic_pain", "depression"),
        location="either",
        phq9=(2, 2, 1, 2, 1, 1, 1, 1, 0),
        pain=7,
        yes_to=("hypertension", "regular_opioids"),
        statuses=(Status.REVIEWING,),
        days_ago=2,
        medications="Amlodipine 5 mg; gabapentin 300 mg three times a day",
    ),
    DemoCandidate(
        name="Noor Haddad",
        email="noor.haddad@example.org",
        born=datetime.date(1988, 11, 9),
        conditions=("depression", "ptsd"),
        location="roseville",
        phq9=(2, 3, 2, 2, 1, 2, 2, 1, 0),
        pcl5=(2, 3, 2, 2, 3, 2, 2, 1, 1, 2, 3, 2, 2, 1, 2, 1, 3, 2, 2, 2),
        statuses=(Status.REVIEWING, Status.CONSULTATION_BOOKED, Status.ACCEPTED),
        note="Consultation done: a good fit for an IV ketamine induction series in Roseville.",
        days_ago=9,
        medications="Sertraline 150 mg daily; prazosin 2 mg at night",
    ),
    DemoCandidate(
        name="Priya Natarajan",
        email="priya.natarajan@example.org",
        born=datetime.date(1993, 7, 5),
        conditions=("depression",),
        location="sacramento",
        phq9=(2, 2, 2, 2, 1, 2, 1, 1, 0),
        yes_to=("breastfeeding",),
        days_ago=1,
        medications="Sertraline 50 mg daily",
    ),
)


def answers_for(candidate: DemoCandidate) -> dict:
    history = {q.key: (YES if q.key in candidate.yes_to else NO) for q in SCREENING_QUESTIONS}
    answers = {
        "conditions": {"conditions": list(candidate.conditions), "other_condition": ""},
        "medications": {
            "current_medications": candidate.medications,
            "antidepressants_tried": 2,
            "treatments_tried": "Talk therapy",
            "has_therapist": "yes",
            "has_psychiatrist": "no",
        },
        "history": history,
        "phq9": {f"phq9_{n}": v for n, v in enumerate(candidate.phq9, 1)} | {"phq9_difficulty": 2},
        "gad7": {f"gad7_{n}": v for n, v in enumerate(candidate.gad7, 1)} | {"gad7_difficulty": 1},
        "pcl5": {f"pcl5_{n}": v for n, v in enumerate(candidate.pcl5, 1)},
        "pain": {"pain": candidate.pain},
        "finish": {
            "location": candidate.location,
            "days": ["tuesday", "thursday"],
            "times": ["morning"],
            "consent_contact": True,
            "privacy_notice": True,
        },
    }
    return answers


def about_for(candidate: DemoCandidate) -> dict:
    return {
        "full_name": candidate.name,
        "date_of_birth": candidate.born.isoformat(),
        "email": candidate.email,
        "phone": "(916) 555-0163",
        "zip_code": "95814",
        "preferred_contact": "phone",
    }


def load_intake_demo() -> str:
    """Create the sample candidates that are missing; return a one-line summary."""
    clinician = demo_user(roles.CLINICIAN)
    created = present = 0
    for candidate in CANDIDATES:
        if Submission.objects.filter(email_hash=email_lookup_hash(candidate.email)).exists():
            present += 1
            continue
        build(candidate, clinician)
        created += 1
    draft = "an urgent unsent draft" if load_urgent_draft() else "the urgent unsent draft present"
    return f"Demo questionnaires: {created} created, {present} already present; {draft}."


# A candidate who answered PHQ-9 item 9 above "not at all" and left without sending: on the
# triage queue as "not sent — urgent" and on care's Needs attention list.
URGENT_DRAFT = DemoCandidate(
    name="Riley Chen",
    email="riley.chen@example.org",
    born=datetime.date(1996, 4, 18),
    conditions=("depression",),
    location="sacramento",
    phq9=(2, 3, 2, 2, 1, 3, 2, 1, 2),
    medications="Fluoxetine 20 mg daily",
)
URGENT_DRAFT_STEPS = ("conditions", "medications", "history", "phq9")


def load_urgent_draft() -> bool:
    """The unsent urgent draft, unless it is there already; True when it was made. Saved
    through the model (not the service) so the demo sends no e-mail to the on-call address."""
    for draft in Draft.objects.filter(urgent=True).only("answers"):
        if draft.answers.get("about", {}).get("email") == URGENT_DRAFT.email:
            return False
    draft, _ = services.start_draft(about=about_for(URGENT_DRAFT))
    answers = answers_for(URGENT_DRAFT)
    for slug in URGENT_DRAFT_STEPS:
        following = URGENT_DRAFT_STEPS[URGENT_DRAFT_STEPS.index(slug) + 1 :][:1]
        draft.save_step(step=slug, data=answers[slug], next_step=(following or ("finish",))[0])
    three_hours_ago = timezone.now() - datetime.timedelta(hours=3)
    Draft.objects.filter(pk=draft.pk).update(
        urgent_since=three_hours_ago,
        updated_at=three_hours_ago,
        item9_history=[{"answer": 2, "at": three_hours_ago.isoformat()}],
    )
    return True


def build(candidate: DemoCandidate, clinician) -> Submission:
    draft, _ = services.start_draft(about=about_for(candidate))
    for slug, data in answers_for(candidate).items():
        draft.save_step(step=slug, data=data, next_step=slug)
    submission = services.submit_draft(draft=draft, notify=False)
    when = timezone.now() - datetime.timedelta(days=candidate.days_ago, hours=2)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=when)
    submission.status_changes.update(changed_at=when)
    for status in candidate.statuses:
        services.change_status(submission=submission, to=status, by=clinician)
    if candidate.note:
        services.add_note(submission=submission, text=candidate.note, by=clinician)
    if candidate.statuses and clinician is not None:
        services.assign_clinician(submission=submission, clinician=clinician, by=clinician)
    return submission


# The candidate who books her free phone consultation online after sending the questionnaire.
BOOKS_ONLINE = "grace.whitmore@example.org"


def book_demo_consultation() -> str:
    """Grace Whitmore books her free phone consultation online, as the thank-you page offers,
    through the booking service itself: her questionnaire moves to consultation booked by
    itself and the triage screen shows the match. Runs after booking's demo; once."""
    submission = Submission.objects.filter(email_hash=email_lookup_hash(BOOKS_ONLINE)).first()
    service = Service.objects.bookable_online().filter(kind=ServiceKind.CONSULTATION).first()
    location = Location.objects.filter(page__slug="sacramento").first()
    if submission is None or service is None or location is None:
        return ""
    if Appointment.objects.filter(patient_email_hash=submission.email_hash).exists():
        return ""
    place = Place(location)
    first = timezone.localdate() + datetime.timedelta(days=1)
    last = first + datetime.timedelta(days=14)
    schedule = load_schedule(service=service, place=place, first=first, last=last)
    not_before = epoch(earliest_start(staff=False))
    for slots in schedule.days(first, last, not_before=not_before).values():
        if slots:
            patient = Patient(submission.full_name, submission.email, submission.phone)
            book_appointment(
                service=service, place=place, starts_at=slots[0].starts_at, patient=patient
            )
            return f"Demo lead: {submission.full_name} booked a consultation online."
    return ""
