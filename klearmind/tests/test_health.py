import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Asks /healthz through Django's test client inside a fresh process with the given environment.
PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="127.0.0.1")
print(json.dumps({"status": response.status_code, "body": json.loads(response.content)}))
"""


def probe(tmp_path, script: str = PROBE, **env):
    """Run a script in a fresh process with the given environment; its last line, as JSON."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klearmind.settings.test",
        "KLEARMIND_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "LOG_LEVEL": "CRITICAL",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_answers_503_when_the_database_is_unreachable(tmp_path):
    result = probe(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/missing-dir/db.sqlite3")
    assert result == {
        "status": 503,
        "body": {"status": "unavailable", "database": "down", "cache": "ok"},
    }


def test_answers_503_when_the_cache_is_unreachable(tmp_path):
    result = probe(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    assert result["status"] == 503
    assert result["body"]["cache"] == "down"
    assert result["body"]["database"] == "ok"
