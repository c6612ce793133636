"""Model fields stored as Fernet tokens (authenticated encryption) in a text column.

The database sees only tokens, so it can neither search nor compare the plaintext: every lookup
but `isnull` is refused. A value that must be found is hashed beside it with LookupHashField.
"""

import datetime
import decimal
import json

from cryptography.fernet import InvalidToken
from django import forms
from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.utils.functional import cached_property

from . import keys


class DecryptionError(Exception):
    """A stored value that none of FIELD_ENCRYPTION_KEYS opens: a wrong or missing key."""


class EncryptedFieldMixin:
    """Encrypts on the way to the database and decrypts on the way back; Python sees plaintext."""

    def get_internal_type(self):
        return "TextField"

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_not_searchable()]

    def _check_not_searchable(self):
        if self.unique or self.db_index or self.primary_key:
            return [
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: its tokens "
                    "differ for equal values.",
                    hint="Index a LookupHashField beside it instead.",
                    obj=self,
                    id="encryption.E003",
                )
            ]
        return []

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.to_python(value)
        if value is None:
            return None
        return keys.fernet().encrypt(self.to_plaintext(value).encode()).decode()

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            plaintext = keys.fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            raise DecryptionError(
                f"{self.model._meta.label}.{self.name}: a stored value does not decrypt with any "
                "key in FIELD_ENCRYPTION_KEYS (a wrong key, or an old key removed before "
                "`manage.py reencrypt_fields` ran)."
            ) from None
        return self.from_plaintext(plaintext)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise self._refuse(lookup_name)

    def get_transform(self, lookup_name):
        raise self._refuse(lookup_name)

    def _refuse(self, lookup_name) -> FieldError:
        return FieldError(
            f"{self.model._meta.label}.{self.name} is encrypted: the database cannot compare its "
            f"values, so the lookup '{lookup_name}' is refused. Filter on a LookupHashField."
        )

    def to_plaintext(self, value) -> str:
        return value

    def from_plaintext(self, plaintext: str):
        return plaintext


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """max_length limits the plaintext (validated in forms and full_clean); the column is text."""


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    def to_plaintext(self, value: datetime.date) -> str:
        return value.isoformat()

    def from_plaintext(self, plaintext: str) -> datetime.date:
        return datetime.date.fromisoformat(plaintext)


class EncryptedIntegerField(EncryptedFieldMixin, models.IntegerField):
    """A whole number (a pulse, a blood pressure); limits belong in validators."""

    @cached_property
    def validators(self):
        # The column holds text, so the database's integer range does not apply (and
        # IntegerField would look it up under the internal type "TextField").
        return [*self.default_validators, *self._validators]

    def to_plaintext(self, value: int) -> str:
        return str(value)

    def from_plaintext(self, plaintext: str) -> int:
        return int(plaintext)


class EncryptedDecimalField(EncryptedFieldMixin, models.DecimalField):
    """A measured quantity (a weight, a dose) kept exactly as entered, to its decimal places."""

    def to_plaintext(self, value: decimal.Decimal) -> str:
        return str(value)

    def from_plaintext(self, plaintext: str) -> decimal.Decimal:
        return decimal.Decimal(plaintext)


class EncryptedJSONField(EncryptedFieldMixin, models.Field):
    """Any JSON-serialisable value (questionnaire answers); None is stored as NULL."""

    empty_strings_allowed = False
    description = "Encrypted JSON"

    def __init__(self, *args, encoder=None, decoder=None, **kwargs):
        self.encoder, self.decoder = encoder, decoder
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        if self.decoder is not None:
            kwargs["decoder"] = self.decoder
        return name, path, args, kwargs

    def to_plaintext(self, value) -> str:
        return json.dumps(value, cls=self.encoder)

    def from_plaintext(self, plaintext: str):
        return json.loads(plaintext, cls=self.decoder)

    def value_to_string(self, obj):
        return self.to_plaintext(self.value_from_object(obj))

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": forms.JSONField,
                "encoder": self.encoder,
                "decoder": self.decoder,
                **kwargs,
            }
        )


class LookupHashField(models.CharField):
    """The keyed hash of another field on the same model, kept up to date on every save.

    `email_hash = LookupHashField(source="email", purpose="email", normalise=True)`, then
    `Model.objects.filter(email_hash=email_lookup_hash(address))`. Empty when the source is.
    `normalise` is True (case and surrounding space, for e-mail addresses), "name" or "phone"
    (see `keys.NORMALISERS`); a value that normalises to nothing (a phone number that cannot
    be read) hashes to "" too, so it is never found.
    """

    DEFAULTS = {"max_length": 64, "db_index": True, "editable": False, "blank": True}

    def __init__(self, *args, source: str, purpose: str, normalise: bool | str = False, **kwargs):
        self.source, self.purpose, self.normalise = source, purpose, normalise
        super().__init__(*args, **{**self.DEFAULTS, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        if self.normalise:
            kwargs["normalise"] = self.normalise
        for key, default in self.DEFAULTS.items():
            kwargs.pop(key, None)
            if getattr(self, key) != default:
                kwargs[key] = getattr(self, key)
        return name, path, args, kwargs

    def hash(self, value) -> str:
        if value in (None, ""):
            return ""
        text = keys.NORMALISERS[self.normalise](str(value)) if self.normalise else str(value)
        return keys.keyed_hash(text, purpose=self.purpose) if text else ""

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.normalise and self.normalise not in keys.NORMALISERS:
            errors.append(
                checks.Error(
                    f"normalise={self.normalise!r} is not one of {list(keys.NORMALISERS)}.",
                    obj=self,
                    id="encryption.E004",
                )
            )
        return errors

    def pre_save(self, model_instance, add):
        value = self.hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
