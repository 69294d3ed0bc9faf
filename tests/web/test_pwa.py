import json
import struct

import pytest


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", content[16:24])


def fetch(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    # Whitenoise answers static files with a streamed response.
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_the_manifest_makes_tonus_installable(client):
    response = client.get("/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Tonus"
    assert manifest["short_name"] == "Tonus"
    assert manifest["start_url"].startswith("/")
    assert manifest["display"] == "standalone"
    sizes = {}
    for icon in manifest["icons"]:
        width, height = png_size(fetch(client, icon["src"]))
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon["purpose"], []).append(width)
    assert {192, 512} <= set(sizes["any"])
    assert sizes["maskable"] == [512]


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_and_precaches_the_shell(client):
    response = client.get("/sw.js")

    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    precache = json.loads(source.split("const PRECACHE = ")[1].split(";\n")[0])
    assert "/offline/" in precache
    # Every precached URL exists, or the worker's install would fail on a phone.
    for url in precache:
        fetch(client, url)
    assert any(url.startswith("/static/css/app.") and url.endswith(".css") for url in precache)


@pytest.mark.django_db
def test_the_offline_shell_holds_no_personal_page(client, person):
    client.force_login(person)

    page = client.get("/offline/").content.decode()

    assert "You are offline" in page
    assert person.email not in page


@pytest.mark.django_db
def test_home_asks_a_stranger_to_log_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.django_db
def test_home_offers_reminders_without_asking_for_permission_on_load(client, person):
    client.force_login(person)

    page = client.get("/").content.decode()

    assert 'id="enable-push"' in page
    assert "Send me a test reminder" in page
    assert "Add to Home Screen" in page
    assert 'name="vapid-public-key" content="B' in page


@pytest.mark.django_db
def test_the_api_schema_and_its_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert {"/api/v1/accounts/signup/", "/api/v1/devices/", "/api/v1/reminders/test/"} <= set(paths)
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


@pytest.mark.django_db
def test_the_manifest_shortcuts_open_check_in_and_today(client, person):
    shortcuts = json.loads(client.get("/manifest.webmanifest").content)["shortcuts"]
    client.force_login(person)

    opened = {s["name"]: client.get(s["url"]) for s in shortcuts}

    assert set(opened) == {"Check in", "Today"}
    assert opened["Check in"].templates[0].name == "checkins/new.html"
    assert "Today" in opened["Today"].content.decode()
    for shortcut in shortcuts:
        width, _height = png_size(fetch(client, shortcut["icons"][0]["src"]))
        assert shortcut["icons"][0]["sizes"] == f"{width}x{width}"
