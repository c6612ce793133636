import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.backends.sqlite3.base import DatabaseOperations


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as database rows roll back but cache entries stay."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def flush_may_empty_the_audit_log():
    """Between transactional tests, the test runner empties SQLite's tables with DELETE, which
    the audit log's trigger refuses; the flush lifts it as the retention archive does
    (decision 007). PostgreSQL's flush is a TRUNCATE, which row triggers do not see."""
    from klearmind.audit.retention import deletion_allowed

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias), deletion_allowed(self.connection):
            flush(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(scope="session")
def fake_stripe():
    """One fake Stripe server (localstripe) for the whole run, started when a test first asks."""
    from klearmind.payments import fake_stripe as fake

    server = fake.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_on(fake_stripe, settings):
    """Card payments on, against the fake Stripe."""
    for name, value in fake_stripe.settings.items():
        setattr(settings, name, value)
    return fake_stripe
