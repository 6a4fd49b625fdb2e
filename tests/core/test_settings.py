import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(env_extra: dict) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST", "DEBUG"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )


def test_zero_config_starts_on_sqlite():
    assert _start({}).returncode == 0


def test_production_without_secret_key_stops_with_a_clear_message():
    result = _start({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "required" in result.stderr


def test_production_without_database_url_stops():
    result = _start({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_with_everything_starts():
    result = _start(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "EMAIL_HOST": "smtp.example.org",
        }
    )
    assert result.returncode == 0, result.stderr


def test_malformed_boolean_is_refused():
    result = _start({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
