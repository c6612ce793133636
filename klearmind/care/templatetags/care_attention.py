"""The Needs attention banner on a patient's record, on every chart and on their visit in
Today's treatments (the open flags are gathered once per request), and a PHQ-9 answer in
the words its options have, for the review of an unsent questionnaire."""

from django import template

from klearmind.care.attention.services import flags_by_patient, open_flags_of_request
from klearmind.intake.questionnaires import FREQUENCY_OPTIONS

register = template.Library()
FREQUENCY_LABELS = dict(FREQUENCY_OPTIONS)


def flags_of_request(request) -> dict[int, list]:
    if not hasattr(request, "_care_attention_flags"):
        request._care_attention_flags = flags_by_patient(open_flags_of_request(request))
    return request._care_attention_flags


@register.inclusion_tag("care/admin/_attention_banner.html", takes_context=True)
def attention_banner(context, patient, compact=False):
    """`compact` for a row of Today's treatments: one line and a link to the list."""
    flags = flags_of_request(context["request"]).get(patient.pk, []) if patient else []
    return {"flags": flags, "compact": compact, "perms": context.get("perms")}


@register.filter
def frequency_answer(answer) -> str:
    """A PHQ-9 answer with the words the candidate chose: "2 (More than half the days)"."""
    label = FREQUENCY_LABELS.get(answer)
    return f"{answer} ({label})" if label else str(answer)
