"""Production configuration: from the environment only, clean under `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "FIELD_ENCRYPTION_KEYS",
            "FIELD_LOOKUP_KEY",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="klearmind.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="clinic.example",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        FIELD_LOOKUP_KEY=Fernet.generate_key().decode(),
        KLEARMIND_VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(SAFE_SERVICES)
    env.update(extra)
    return env


# What production's checks ask for besides the required variables (tests/security/
# test_production_checks.py); nothing here is reached by `check` or `collectstatic`.
SAFE_SERVICES = {
    "BASE_URL": "https://clinic.example",
    "EMAIL_HOST": "smtp.clinic.example",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "ALLOW_SQLITE_IN_PRODUCTION": "1",
}


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(production_env(tmp_path, SECRET_KEY=""), "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = production_env(tmp_path)
    env.pop("ALLOWED_HOSTS")
    result = manage(env, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS must be set"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"}, "key 1 of 1 is not a Fernet key"),
        ({"FIELD_LOOKUP_KEY": ""}, "FIELD_LOOKUP_KEY must be set"),
    ],
)
def test_production_refuses_to_start_without_valid_field_encryption_keys(
    tmp_path, variables, message
):
    result = manage(production_env(tmp_path, **variables), "check")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Fernet.generate_key()" in result.stderr


HEADERS_PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="clinic.example", secure=True)
print(json.dumps(dict(response.headers.items())))
"""


def test_production_sends_hsts_and_the_strict_headers(tmp_path):
    import json

    result = subprocess.run(
        [sys.executable, "-c", HEADERS_PROBE],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_serves_hashed_and_compressed_static_files(tmp_path):
    env = production_env(tmp_path)
    result = manage(env, "collectstatic", "--no-input", "-v", "0")
    assert result.returncode == 0, result.stderr
    static = tmp_path / "static"
    hashed = [path.name for path in (static / "css").glob("site.*.css")]
    assert len(hashed) == 1, hashed
    assert (static / "css" / f"{hashed[0]}.gz").exists()
    assert '"css/site.css"' in (static / "staticfiles.json").read_text()
