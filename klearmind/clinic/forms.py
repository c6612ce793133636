"""Forms on the clinic settings for the screens that own a part of them."""

from django import forms

from .models import ClinicSettings


class OnCallForm(forms.ModelForm):
    class Meta:
        model = ClinicSettings
        fields = ["on_call_email"]
