"""Production refuses what suits only one developer's machine: printed e-mail, links to
loopback, a cache per process, SQLite unless asked for, and the demo."""

import pytest
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from klearmind.settings.checks import production_settings
from klearmind.tests.test_settings import SAFE_SERVICES, manage, production_env

SMTP = "django.core.mail.backends.smtp.EmailBackend"
REDIS = {"default": {"BACKEND": "klearmind.pages.redis_cache.RedisCache", "LOCATION": "redis://x"}}
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
POSTGRES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "klearmind"}}
SQLITE = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "klearmind.sqlite3"}}
SAFE = {
    "PRODUCTION": True,
    "EMAIL_BACKEND": SMTP,
    "BASE_URL": "https://clinic.example",
    "CACHES": REDIS,
    "DATABASES": POSTGRES,
    "ALLOW_SQLITE_IN_PRODUCTION": False,
}


def problems(**changes) -> list[str]:
    with override_settings(**(SAFE | changes)):
        return [problem.id for problem in production_settings()]


# The checks only read DATABASES; nothing connects to the ones given here.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
class ProductionCheckTests(SimpleTestCase):
    def test_a_production_with_its_services_set_has_no_problem(self):
        assert problems() == []

    def test_only_the_production_settings_are_checked(self):
        assert problems(PRODUCTION=False, DATABASES=SQLITE, CACHES=LOCAL_MEMORY) == []

    def test_refuses_e_mail_printed_to_the_log_or_kept_in_memory(self):
        for backend in ("console", "locmem", "filebased"):
            assert problems(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend") == [
                "klearmind.E001"
            ]

    def test_refuses_links_to_nowhere_or_to_this_machine(self):
        for base_url in (
            "",
            "clinic.example",
            "http://127.0.0.1:8000",
            "http://localhost:8000",
            "http://[::1]",
            "http://0.0.0.0:8000",
            "http://clinic.localhost",
        ):
            assert problems(BASE_URL=base_url) == ["klearmind.E002"], base_url

    def test_refuses_a_cache_local_to_each_process(self):
        assert problems(CACHES=LOCAL_MEMORY) == ["klearmind.E003"]

    def test_refuses_sqlite_unless_one_server_is_meant(self):
        assert problems(DATABASES=SQLITE) == ["klearmind.E004"]
        assert problems(DATABASES=SQLITE, ALLOW_SQLITE_IN_PRODUCTION=True) == []

    @override_settings(PRODUCTION=True)
    def test_load_demo_refuses_to_run_under_the_production_settings(self):
        with pytest.raises(CommandError, match="refuses to run under the production settings"):
            call_command("load_demo")


def test_production_with_only_the_required_variables_stops_with_every_problem(tmp_path):
    env = production_env(tmp_path)
    for name in (*SAFE_SERVICES, "DATABASE_URL", "CACHE_KEY_PREFIX"):
        env.pop(name, None)
    result = manage(env, "migrate", "--no-input")
    assert result.returncode != 0
    for problem in ("E001", "E002", "E003", "E004"):
        assert f"klearmind.{problem}" in result.stderr
    assert "prints every e-mail to the log" in result.stderr
    assert "Set REDIS_URL" in result.stderr
    assert "Applying" not in result.stdout
