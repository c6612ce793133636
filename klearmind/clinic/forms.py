"""What every app's forms share, and the forms on the clinic settings for the screens that
own a part of them."""

from django import forms

from .models import ClinicSettings


class DescribedFieldsMixin:
    """Ties each field's help text and errors to its inputs (radio buttons included), for
    screen readers; the templates give them the ids `<field id>_helptext` and `_error`."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            if name in self.errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class OnCallForm(forms.ModelForm):
    class Meta:
        model = ClinicSettings
        fields = ["on_call_email"]
