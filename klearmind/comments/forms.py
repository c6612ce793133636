"""The public comment form: it validates what was typed and never acts."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.db.models import Exists, OuterRef
from wagtail.models import Page

from klearmind.clinic.forms import EmailAddressField, PersonNameField

from .models import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    URL_MAX_LENGTH,
    Comment,
    CommentStatus,
)

RENDERED_SALT = "klearmind.comments.rendered"
RENDERED_MAX_AGE = 86_400  # a form left open for a day is sent again from a fresh page


def rendered_token() -> str:
    """A signed timestamp of when the form was shown, for the time trap (no session needed)."""
    return signing.dumps(time.time(), salt=RENDERED_SALT)


def seconds_since_rendered(token: str) -> float | None:
    """Seconds since the form was shown, or None when the token is missing or forged.

    A page from the cache shows a form rendered up to the caches' lifetimes earlier, so they
    are added: a reader is never refused for the age of the copy they were given."""
    max_age = RENDERED_MAX_AGE + settings.PAGE_CACHE_SECONDS + settings.PAGE_CACHE_PROXY_SECONDS
    try:
        return time.time() - float(signing.loads(token, salt=RENDERED_SALT, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError):
        return None


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write your comment."},
    )
    author_name = PersonNameField(max_length=NAME_MAX_LENGTH)
    author_email = EmailAddressField(
        max_length=EMAIL_MAX_LENGTH, help_text="Never published or shared."
    )
    author_url = forms.URLField(
        label="Website",
        max_length=URL_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={"invalid": "Please enter a web address starting with http:// or https://."},
    )
    notify = forms.BooleanField(
        label="E-mail me when my comment is approved and when someone replies",
        required=False,
    )
    remember = forms.BooleanField(
        label="Save my name, e-mail and website in this browser for the next time I comment",
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    rendered = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS and from assistive technology; bots fill every field they see.
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_author_name(self):
        return " ".join(self.cleaned_data["author_name"].split())


# Back office.

BULK_ACTIONS = [
    ("approve", "Approve"),
    ("unapprove", "Unapprove"),
    ("spam", "Mark as spam"),
    ("not_spam", "Not spam"),
    ("trash", "Move to trash"),
    ("restore", "Restore from trash"),
    ("delete", "Delete permanently"),
]

STATUS_FILTER_CHOICES = [("", "All statuses"), *CommentStatus.choices]


def pages_with_comments():
    """The pages that have a comment, for the queue's filter: per page, one look into the
    comments' page index for a first row, rather than a DISTINCT over every comment."""
    return Page.objects.filter(Exists(Comment.objects.filter(page=OuterRef("pk")))).order_by(
        "title"
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_FILTER_CHOICES, required=False)
    page = forms.ModelChoiceField(
        queryset=Page.objects.none(), required=False, empty_label="All pages"
    )
    since = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    urgent = forms.BooleanField(label="Urgent only", required=False)
    q = forms.CharField(label="Search", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = pages_with_comments()

    def filter(self, comments):
        if not self.is_valid():
            return comments
        data = self.cleaned_data
        if data["status"]:
            comments = comments.filter(status=data["status"])
        if data["page"]:
            comments = comments.filter(page=data["page"])
        if data["since"]:
            comments = comments.filter(submitted_at__date__gte=data["since"])
        if data["until"]:
            comments = comments.filter(submitted_at__date__lte=data["until"])
        if data["urgent"]:
            comments = comments.filter(urgent=True)
        if data["q"]:
            comments = comments.search(data["q"].replace("\x00", ""))
        return comments


class CommentIdsField(forms.ModelMultipleChoiceField):
    """Comment ids; anything but a plausible id is refused before it reaches the database
    (a number past the column's range makes SQLite raise instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdecimal() or len(str(pk)) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    ids = CommentIdsField(queryset=Comment.objects.all(), to_field_name="pk")


class ClinicReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply as the clinic",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Published at once under the clinic's name. Never confirm that someone is a "
        "patient, and keep to general information.",
    )


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=EMAIL_MAX_LENGTH)
    remove_text = forms.BooleanField(
        label="Also remove the text of the comments (otherwise only the name, e-mail, website, "
        "IP address and browser are erased)",
        required=False,
    )
