import re

from django import forms
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm

from klearmind.audit.models import AuditEvent
from klearmind.audit.services import record


class StaffLoginForm(LoginForm):
    """Wagtail's sign-in without "remember me": staff sessions always end with the browser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["remember"]


class StaffPasswordResetForm(PasswordResetForm):
    """Wagtail's "forgotten password" form, which also writes the request to the audit log:
    against each account the address belongs to, or, when it matches none, without the
    address typed (it may be anyone's)."""

    def save(self, *args, request=None, **kwargs):
        users = list(self.get_users(self.cleaned_data["email"]))
        for user in users:
            record(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED, request=request, target=user)
        if not users:
            record(
                action=AuditEvent.Action.PASSWORD_RESET_REQUESTED,
                request=request,
                detail="for an address that matches no account",
            )
        super().save(*args, request=request, **kwargs)


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app, or (when allowed) a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code your authenticator app shows."},
    )

    def __init__(self, *args, allow_recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields[
                "code"
            ].help_text = (
                "The six digits from your authenticator app, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = "The six digits your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if self.allow_recovery and re.fullmatch(r"[a-z0-9]{8,16}", code):
            return code
        if self.allow_recovery:
            raise forms.ValidationError(
                "Enter the six digits from your app, or a recovery code.", code="format"
            )
        raise forms.ValidationError("Enter the six digits your app shows.", code="format")
