import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backend.config.env import env_bool, env_str
from backend.reminders.vapid import vapid_keys_generate

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "value"), [("True", True), ("false", False), ("1", True)])
def test_booleans_read_from_the_environment(monkeypatch, raw, value):
    monkeypatch.setenv("TONUS_FLAG", raw)
    assert env_bool("TONUS_FLAG", default=not value) is value


def test_a_misspelt_boolean_stops_start_up(monkeypatch):
    monkeypatch.setenv("TONUS_FLAG", "Ture")
    with pytest.raises(ImproperlyConfigured, match="TONUS_FLAG"):
        env_bool("TONUS_FLAG", default=False)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    monkeypatch.delenv("TONUS_SECRET", raising=False)
    monkeypatch.setenv("TONUS_SECRET_FILE", str(tmp_path / "secret"))
    assert env_str("TONUS_SECRET") == "from-a-file"


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def production_env(var_dir: Path) -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECRET_KEY", "VAPID_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "backend.config.settings",
        "DJANGO_DEBUG": "False",
        "TONUS_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "tonus.example",
    }


def test_production_settings_pass_the_deploy_check(tmp_path):
    keys = vapid_keys_generate()
    env = production_env(tmp_path) | {
        "VAPID_PUBLIC_KEY": keys.public_key,
        "VAPID_PRIVATE_KEY": keys.private_key,
    }

    result = deploy_check(env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_reminders_have_no_keys(tmp_path):
    result = deploy_check(production_env(tmp_path))

    assert result.returncode != 0
    assert "reminders.W001" in result.stderr


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/accounts/login/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
