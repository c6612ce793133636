"""Search everything the database holds for a secret a flow handed out.

A bearer token (a resume link, a visit link, a booking request) must never be stored as it was
given: a copy of the database would open what the token opens. On SQLite the search reads a
byte-for-byte copy of the database file, free pages and all; on PostgreSQL it reads every
table's rows as text. Either way it sees the rows the test's own transaction wrote. Session data
is stored encoded (base64 of signed JSON), so sessions are also read decoded.
"""

import json

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection


def sqlite_file_bytes() -> bytes:
    """The whole SQLite database as a file would hold it, through the test's own connection.

    Serialized rather than backed up: a backup of the test run's shared in-memory database
    waits for ever on the write transaction the test holds open, while the serialized image
    has that transaction's rows and every free page."""
    connection.ensure_connection()
    return connection.connection.serialize()


def postgres_rows_text() -> str:
    """Every row of every table in the public schema, each as PostgreSQL's text of the row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        parts = []
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT t::text FROM {quoted} AS t")  # noqa: S608 - names from the catalog
            parts.extend(text for (text,) in cursor.fetchall())
    return "\n".join(parts)


def sessions_text() -> str:
    """What every stored session holds, decoded."""
    store = SessionStore()
    return "\n".join(
        json.dumps(store.decode(data))
        for data in Session.objects.values_list("session_data", flat=True)
    )


def stored_copies(*secrets: str) -> list[str]:
    """The secrets found anywhere in the database, in the order given."""
    wanted = [secret for secret in secrets if secret]
    assert wanted, "nothing to search for: the flow handed out no token"
    if connection.vendor == "sqlite":
        text = sqlite_file_bytes().decode("utf-8", "replace")
    else:
        text = postgres_rows_text()
    text += "\n" + sessions_text()
    return [secret for secret in wanted if secret in text]
