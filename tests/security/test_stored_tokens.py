"""The database search itself: it finds what a flow stored, so a clean result means something."""

import secrets

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import TestCase
from django.utils import timezone

from .stored_tokens import stored_copies


class StoredCopiesTests(TestCase):
    def test_finds_a_value_written_in_this_test(self):
        kept, never_kept = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        session = SessionStore()
        session["kept"] = kept
        session.create()

        assert stored_copies(kept, never_kept) == [kept]

    def test_finds_a_value_in_a_column_of_a_transaction_still_open(self):
        key = secrets.token_hex(16)
        Session.objects.create(session_key=key, session_data="", expire_date=timezone.now())
        assert stored_copies(key) == [key]

    def test_refuses_to_search_for_nothing(self):
        with self.assertRaisesMessage(AssertionError, "handed out no token"):
            stored_copies("")
