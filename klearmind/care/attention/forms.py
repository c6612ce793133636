"""The review that closes a Needs attention flag. It validates and never acts."""

from django import forms

from klearmind.clinic.forms import DescribedFieldsMixin
from klearmind.clinic.text import no_null_bytes_text


class AttentionReviewForm(DescribedFieldsMixin, forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who was contacted, how, what was agreed (for example the safety plan "
        "followed, an appointment brought forward, emergency services called).",
        error_messages={"required": "Write what was done: a flag is closed only with a note."},
        validators=[no_null_bytes_text],
    )
