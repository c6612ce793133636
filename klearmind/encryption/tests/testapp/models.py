from django.db import models

from klearmind.encryption.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedDecimalField,
    EncryptedIntegerField,
    EncryptedJSONField,
    EncryptedTextField,
    LookupHashField,
)


class Confidential(models.Model):
    """Shaped like the health records to come: free text, a short answer, answers, a birth date, a
    weight and a pulse."""

    note = EncryptedTextField(blank=True)
    medication = EncryptedCharField(max_length=20, blank=True)
    answers = EncryptedJSONField(null=True, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    email = EncryptedCharField(max_length=254, blank=True)
    weight_kg = EncryptedDecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    heart_rate = EncryptedIntegerField(null=True, blank=True)
    email_hash = LookupHashField(source="email", purpose="email", normalise=True)

    def __str__(self):
        return f"Confidential record {self.pk}"
