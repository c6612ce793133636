"""Re-encrypting stored values with the current key, so that older keys can be retired."""

from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import keys
from .fields import DecryptionError, EncryptedFieldMixin


@dataclass
class Tally:
    model: str
    field: str
    rewritten: int = 0
    current: int = 0


def encrypted_fields() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Every encrypted column of every installed model, each once (not again on subclasses)."""
    for model in apps.get_models():
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedFieldMixin):
                yield model, field


def reencrypt_field(model, field, *, batch_size: int = 500) -> Tally:
    """Rewrite every value of one column that the first key cannot open alone; batch by batch."""
    tally = Tally(model._meta.label, field.name)
    manager = model._base_manager
    raw = manager.exclude(**{f"{field.name}__isnull": True}).annotate(
        token=Cast(field.name, models.TextField())
    )
    last_pk = None
    while True:
        batch = raw.order_by("pk")
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        with transaction.atomic():
            # Locked until the batch commits, so a value saved meanwhile is not overwritten.
            rows = list(batch.select_for_update().values_list("pk", "token")[:batch_size])
            for pk, token in rows:
                if is_current(token):
                    tally.current += 1
                    continue
                fresh = rotate(token, model=model, field=field, pk=pk)
                manager.filter(pk=pk).update(**{field.attname: models.Value(fresh)})
                tally.rewritten += 1
        if not rows:
            return tally
        last_pk = rows[-1][0]


def is_current(token: str) -> bool:
    try:
        keys.current_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str, *, model, field, pk) -> str:
    try:
        return keys.fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            f"{model._meta.label}.{field.name} (pk {pk}) does not decrypt with any key in "
            "FIELD_ENCRYPTION_KEYS; nothing in this batch was changed."
        ) from None
