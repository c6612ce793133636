"""The Needs attention banner on a patient's record, on every chart and on their visit in
Today's treatments. The open flags are gathered once per request."""

from django import template

from klearmind.care.attention import flags_by_patient, open_flags

register = template.Library()


def flags_of_request(request) -> dict[int, list]:
    if not hasattr(request, "_care_attention_flags"):
        request._care_attention_flags = flags_by_patient(open_flags())
    return request._care_attention_flags


@register.inclusion_tag("care/admin/_attention_banner.html", takes_context=True)
def attention_banner(context, patient, compact=False):
    """`compact` for a row of Today's treatments: one line and a link to the list."""
    flags = flags_of_request(context["request"]).get(patient.pk, []) if patient else []
    return {"flags": flags, "compact": compact, "perms": context.get("perms")}
