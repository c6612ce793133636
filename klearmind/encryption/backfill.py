"""Filling a new LookupHashField for the rows saved before it existed, in a data migration.

The source is encrypted, so the database cannot compute the hash: each row is read through
the (historical) model, which decrypts it, hashed in Python, and written back a batch at a
time with `bulk_update`, which touches only the hash columns.
"""

BATCH_SIZE = 500


def fill_lookup_hashes(model, *field_names: str, batch_size: int = BATCH_SIZE) -> int:
    """Set each named LookupHashField of every row of `model` from its source; the count."""
    fields = [model._meta.get_field(name) for name in field_names]
    sources = [field.source for field in fields]
    rows = model._base_manager.only("pk", *sources).order_by("pk")
    batch, count = [], 0
    for row in rows.iterator(chunk_size=batch_size):
        for field in fields:
            setattr(row, field.attname, field.hash(getattr(row, field.source)))
        batch.append(row)
        if len(batch) >= batch_size:
            model._base_manager.bulk_update(batch, field_names)
            count += len(batch)
            batch = []
    if batch:
        model._base_manager.bulk_update(batch, field_names)
        count += len(batch)
    return count
