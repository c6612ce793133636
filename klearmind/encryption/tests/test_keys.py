import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings

from klearmind.encryption.keys import (
    GENERATE,
    encryption_keys_problem,
    keyed_hash,
    lookup_key_problem,
)

ROOT = Path(__file__).resolve().parents[3]
GOOD_LOOKUP_KEY = "a-lookup-key-of-enough-length-" + "q" * 10


def check_ids() -> list[str]:
    return [message.id for message in run_checks(tags=["security"])]


class KeyProblemTests(SimpleTestCase):
    def test_accepts_valid_keys(self):
        keys = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
        assert encryption_keys_problem(keys) == ""
        assert lookup_key_problem(GOOD_LOOKUP_KEY) == ""

    def test_a_missing_key_names_the_variable_and_how_to_make_one(self):
        problem = encryption_keys_problem([])
        assert problem.startswith("FIELD_ENCRYPTION_KEYS must be set")
        assert GENERATE in problem
        assert "Fernet.generate_key()" in GENERATE

    def test_says_which_key_is_malformed(self):
        problem = encryption_keys_problem([Fernet.generate_key().decode(), "not-a-key"])
        assert "key 2 of 2 is not a Fernet key" in problem

    def test_a_short_lookup_key_is_refused(self):
        assert lookup_key_problem("short").startswith("FIELD_LOOKUP_KEY must be set")


class KeySystemCheckTests(SimpleTestCase):
    def test_reports_nothing_with_valid_keys(self):
        assert not {"encryption.E001", "encryption.E002"} & set(check_ids())

    @override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"], FIELD_LOOKUP_KEY="short")
    def test_reports_malformed_keys(self):
        assert {"encryption.E001", "encryption.E002"} <= set(check_ids())


class KeyedHashTests(SimpleTestCase):
    def test_is_stable_hex_and_separated_by_purpose(self):
        digest = keyed_hash("555-0100", purpose="phone")
        assert digest == keyed_hash("555-0100", purpose="phone")
        assert len(digest) == 64 and int(digest, 16) >= 0
        assert digest != keyed_hash("555-0100", purpose="email")
        assert digest != keyed_hash("555-0101", purpose="phone")


DEV_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.FIELD_ENCRYPTION_KEYS[0]); print(settings.FIELD_LOOKUP_KEY)"
)


class DevelopmentKeyTests(SimpleTestCase):
    def run_dev(self, var_dir: Path) -> list[str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"FIELD_ENCRYPTION_KEYS", "FIELD_LOOKUP_KEY"}
        }
        env.update(DJANGO_SETTINGS_MODULE="klearmind.settings.dev", KLEARMIND_VAR_DIR=str(var_dir))
        result = subprocess.run(
            [sys.executable, "-c", DEV_PROBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.split()

    def test_generates_private_keys_into_var_once(self):
        with tempfile.TemporaryDirectory() as directory:
            var_dir = Path(directory)
            encryption_key, lookup_key = self.run_dev(var_dir)
            Fernet(encryption_key)
            assert lookup_key_problem(lookup_key) == ""
            assert encryption_key != lookup_key
            for name in ("field_encryption_key", "field_lookup_key"):
                assert stat.S_IMODE((var_dir / name).stat().st_mode) == 0o600
            assert self.run_dev(var_dir) == [encryption_key, lookup_key]
