import json

from django.core.management import call_command
from django.test import override_settings
from py_vapid import Vapid

from backend.reminders.vapid import vapid_keys_read


def test_the_command_makes_a_key_pair_once_and_keeps_it(tmp_path, capsys):
    with override_settings(VAR_DIR=tmp_path):
        call_command("vapid_keys")
        first = vapid_keys_read(tmp_path / "vapid.json")
        call_command("vapid_keys")
        second = vapid_keys_read(tmp_path / "vapid.json")

    assert first == second
    assert (tmp_path / "vapid.json").stat().st_mode & 0o077 == 0
    assert first.public_key in capsys.readouterr().out


def test_the_keys_sign_a_vapid_header_push_services_accept(tmp_path):
    with override_settings(VAR_DIR=tmp_path):
        call_command("vapid_keys")
    keys = json.loads((tmp_path / "vapid.json").read_text())

    signer = Vapid.from_string(private_key=keys["private_key"])
    headers = signer.sign({"aud": "https://push.example", "sub": "mailto:ops@tonus.localhost"})

    assert headers["Authorization"].startswith("vapid t=")
    assert headers["Authorization"].endswith(f"k={keys['public_key']}")
