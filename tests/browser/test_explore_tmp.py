import json

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_explore(live_server, phone, make_person):
    phone.page.on("console", lambda m: print("CONSOLE", m.type, m.text, flush=True))
    make_person("a@example.com")
    page = phone.page
    phone.log_in("a@example.com", PASSWORD)
    print("cookies", phone.context.cookies())
    print("logged in", flush=True)
    print(
        page.evaluate(
            "navigator.serviceWorker.getRegistrations().then(rs => JSON.stringify(rs.map(r => [r.scope, !!r.installing, !!r.waiting, !!r.active])))"
        ),
        flush=True,
    )
    page.wait_for_timeout(3000)
    print(
        page.evaluate(
            "navigator.serviceWorker.getRegistrations().then(rs => JSON.stringify(rs.map(r => [r.scope, !!r.installing, !!r.waiting, !!r.active])))"
        ),
        flush=True,
    )
    phone.wait_for_service_worker_control()
    cdp = phone.context.new_cdp_session(page)
    m = cdp.send("Page.getAppManifest")
    print(json.dumps(m, indent=1)[:6000])
    try:
        print(cdp.send("Page.getInstallabilityErrors"))
    except Exception as e:
        print("ERR", e)
    regs = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda p: regs.append(p))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    print(regs)
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    print("bg", bg)
    phone.context.set_offline(True)
    try:
        page.goto(phone.origin + "/")
    except Exception as e:
        print("GOTO ERR", e)
    print(page.content()[:3000])
    print("bg", page.evaluate("getComputedStyle(document.body).backgroundColor"))
