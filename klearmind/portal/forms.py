from django import forms

from klearmind.clinic.forms import DescribedFieldsMixin, EmailAddressField


class SignInForm(DescribedFieldsMixin, forms.Form):
    email = EmailAddressField(
        label="Your e-mail address",
        help_text="The address you booked with. We e-mail you a link to sign in.",
    )
