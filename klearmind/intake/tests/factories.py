"""Answers for every step, drafts and submissions built through the services, and a helper
that walks the public form with a CSRF-enforcing client."""

import re

from klearmind.intake import services, steps
from klearmind.intake.models import Draft
from klearmind.intake.questionnaires import NO, SCREENING_QUESTIONS

CANDIDATE_NAME = "Avery Quinlan"
CANDIDATE_EMAIL = "avery.quinlan@example.org"
MEDICATION = "Venlafaxine 150 mg each morning"
TREATMENTS = "Eight sessions of cognitive behavioral therapy"


def step_answers(
    *,
    conditions=("depression", "anxiety", "ptsd", "chronic_pain"),
    phq9=(2, 2, 2, 2, 1, 1, 1, 1, 0),
    gad7=(2, 2, 2, 2, 1, 1, 1),
    pcl5=(2,) * 20,
    pain=6,
    history=None,
    location="sacramento",
    born="1980-05-17",
    email=CANDIDATE_EMAIL,
) -> dict:
    """What a candidate types on each step, keyed by step, as form data."""
    return {
        "about": {
            "full_name": CANDIDATE_NAME,
            "date_of_birth": born,
            "email": email,
            "phone": "(916) 555-0187",
            "zip_code": "95816",
            "preferred_contact": "phone",
            "website": "",
        },
        "conditions": {"conditions": list(conditions), "other_condition": ""},
        "medications": {
            "current_medications": MEDICATION,
            "antidepressants_tried": "3",
            "treatments_tried": TREATMENTS,
            "has_therapist": "yes",
            "has_psychiatrist": "no",
        },
        "history": {q.key: NO for q in SCREENING_QUESTIONS} | (history or {}),
        "phq9": {f"phq9_{n}": str(v) for n, v in enumerate(phq9, 1)} | {"phq9_difficulty": "1"},
        "gad7": {f"gad7_{n}": str(v) for n, v in enumerate(gad7, 1)},
        "pcl5": {f"pcl5_{n}": str(v) for n, v in enumerate(pcl5, 1)},
        "pain": {"pain": str(pain)},
        "finish": {
            "location": location,
            "days": ["monday", "wednesday"],
            "times": ["morning", "evening"],
            "consent_contact": "on",
            "privacy_notice": "on",
        },
    }


def cleaned(form_data: dict) -> dict:
    """The answers as the draft stores them after each form cleaned them."""
    from klearmind.intake import steps

    stored = {}
    for slug, data in form_data.items():
        form = steps.BY_SLUG[slug].form_class(data=data)
        assert form.is_valid(), (slug, form.errors)
        stored[slug] = form.answers()
    return stored


def draft_with(**kwargs):
    """A draft with every step answered, ready to submit."""
    answers = cleaned(step_answers(**kwargs))
    draft, token = services.start_draft(about=answers.pop("about"))
    for slug, data in answers.items():
        draft.save_step(step=slug, data=data, next_step=slug)
    return draft, token


def submission_with(*, notify: bool = True, **kwargs):
    draft, _ = draft_with(**kwargs)
    return services.submit_draft(draft=draft, notify=notify)


def csrf_token(response) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert match, "no CSRF token on the page"
    return match.group(1).decode()


def client_answers(client) -> dict:
    """The answers of the draft this client's session carries ({} before the first step)."""
    pk = client.session.get("intake_draft")
    draft = Draft.objects.filter(pk=pk).first() if pk else None
    return draft.answers if draft else {}


def step_path(client, slug: str) -> str:
    """The address of a step as this client's candidate numbers it (addresses name no step)."""
    number = steps.number_of(steps.BY_SLUG[slug], client_answers(client))
    return f"/candidacy/step/{number}/"


def slug_at(client, path: str) -> str:
    """Which step a numbered step address shows this client's candidate."""
    number = int(path.rstrip("/").split("/")[-1])
    return steps.at_number(number, client_answers(client)).slug


def post_step(client, slug: str, data: dict, *, action: str = "next"):
    path = step_path(client, slug)
    page = client.get(path)
    assert page.status_code == 200, (slug, page.status_code, page.get("Location"))
    return client.post(path, {**data, "csrfmiddlewaretoken": csrf_token(page), "action": action})


def walk(client, answers: dict, *, until: str | None = None):
    """Post each step the candidate sees, in order, following the redirects; return the last
    response (the thank-you redirect, or the response to the step named `until`)."""
    slug = "about"
    while True:
        response = post_step(client, slug, answers[slug])
        assert response.status_code == 302, (slug, response.status_code, response.content[:3000])
        if slug == until or not response["Location"].startswith("/candidacy/step/"):
            return response
        slug = slug_at(client, response["Location"])


def ask_for_link(client, how: str, *, step: int):
    """Press "E-mail me a link" (how="email") or "Show me a link" (how="show") on a step."""
    page = client.get(f"/candidacy/step/{step}/")
    return client.post(
        f"/candidacy/resume/{how}/", {"step": str(step), "csrfmiddlewaretoken": csrf_token(page)}
    )
