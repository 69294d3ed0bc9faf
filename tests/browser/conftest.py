"""Browser tests: Tonus in Debian's Chromium, emulating a phone, against the live server."""

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import ARTIFACTS
from tests.support.sign_up import sign_up_link

# Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls
# from such a thread. The tests read the database only between browser steps, never at the
# same time as the browser runs, so the guard can be lifted. Django reads it at each call.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's package; CI installs it (bin/test). Playwright's own downloads need the internet.
CHROMIUM = Path(os.environ.get("TONUS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # runs as root in containers
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ARTIFACTS / "browser"

# A mid-range Android phone in Chrome, as most people using Tonus will hold it.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    # The Chrome version is filled in from the browser that runs, so the two agree.
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/{major}.0.0.0 Mobile Safari/537.36"
    ),
    "locale": "en-US",
    "timezone_id": "America/New_York",
}

# Headless Chromium has no push service to subscribe with, so PushManager hands out the
# local receiver's subscription instead. Everything after subscribe() is real: the page
# posts it to the API, the worker encrypts and sends to the receiver. The stand-in keeps
# the browser's rules (permission first, a key is required) and records what it was asked.
FAKE_PUSH_MANAGER = """
((subscription) => {
  const calls = (window.__tonusCalls = { requestPermission: 0, subscribe: [] });
  const requestPermission = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    calls.requestPermission += 1;
    return requestPermission(...args);
  };

  // applicationServerKey may be a base64url string, an ArrayBuffer or a view on one.
  const toBase64Url = (key) => {
    if (typeof key === "string") return key;
    const bytes = ArrayBuffer.isView(key)
      ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
      : new Uint8Array(key);
    return btoa(String.fromCharCode(...bytes))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  };
  const fake = {
    endpoint: subscription.endpoint,
    expirationTime: null,
    toJSON: () => ({ ...subscription, expirationTime: null }),
    unsubscribe: async () => { sessionStorage.removeItem("tonus-fake-push"); return true; },
  };
  // Survives reloads within the tab, as a real subscription survives them.
  const subscribed = () => sessionStorage.getItem("tonus-fake-push") === "yes";

  PushManager.prototype.subscribe = async function (options = {}) {
    calls.subscribe.push({
      userVisibleOnly: options.userVisibleOnly,
      applicationServerKey: options.applicationServerKey
        ? toBase64Url(options.applicationServerKey) : null,
    });
    if (Notification.permission !== "granted") {
      throw new DOMException("Permission denied", "NotAllowedError");
    }
    if (!options.applicationServerKey) {
      throw new DOMException("applicationServerKey is required", "AbortError");
    }
    sessionStorage.setItem("tonus-fake-push", "yes");
    return fake;
  };
  PushManager.prototype.getSubscription = async function () {
    return subscribed() ? fake : null;
  };
})(%s);
"""

ACTIVE_SERVICE_WORKER = (
    "navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.active))"
)

# Only observes: the worker's own showNotification() runs unchanged, and its outcome is noted.
RECORD_SHOWN_NOTIFICATIONS = """
() => {
  const shown = (self.__tonusShown = []);
  const show = ServiceWorkerRegistration.prototype.showNotification;
  self.registration.showNotification = function (title, options) {
    return show.call(this, title, options).then(
      (result) => { shown.push({ title }); return result; },
      (error) => { shown.push({ title, error: String(error) }); throw error; },
    );
  };
}
"""
NOTIFICATIONS_ON_DISPLAY = """
async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const shown = registration ? await registration.getNotifications() : [];
  return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
}
"""

T = TypeVar("T")


def poll(
    read: Callable[[], T],
    until: Callable[[T], bool],
    *,
    page: Page,
    timeout: float = 20.0,
    what: str,
) -> T:
    """Read repeatedly until `until` holds, pausing through Playwright so its events flow."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s; last seen: {value!r}")
        page.wait_for_timeout(200)


@dataclass
class Phone:
    """One phone: a fresh browser profile with a page open, and helpers for common steps."""

    context: BrowserContext
    page: Page
    origin: str
    test_name: str
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.origin + path)

    def screenshot(self, step: str) -> Path:
        path = SCREENSHOTS / f"{self.test_name}-{step}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def fake_push_subscription(self, subscription: dict[str, Any]) -> None:
        """From the next page load on, PushManager gives out `subscription` (see above)."""
        self.context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscription))

    def sign_up(self, email: str, password: str) -> None:
        page = self.page
        page.get_by_label("Email address", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign up", exact=True).tap()

    def finish_sign_up(self, email: str) -> None:
        """As the person does next: the link in the email, then the one tap it asks."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Check your email")
        self.open(sign_up_link(email))
        self.page.get_by_role("button", name="Start using Tonus").tap()

    def log_in(self, email: str, password: str) -> None:
        self.open("/accounts/login/")
        page = self.page
        page.get_by_label("Email address", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in", exact=True).tap()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")

    def wait_for_service_worker_control(self) -> None:
        """Until the worker is active and controls this page, as on any visit after the first."""
        # Polled rather than awaiting serviceWorker.ready: a worker that fails to install
        # would leave that promise, and the test, waiting for ever.
        poll(
            lambda: self.page.evaluate(ACTIVE_SERVICE_WORKER),
            bool,
            page=self.page,
            what="the service worker activating (see the worker's install in sw.js)",
        )
        self.page.reload()
        self.page.wait_for_function("navigator.serviceWorker.controller !== null")

    def receive_push(self, payload: str) -> list[dict[str, Any]]:
        """Hand a decrypted push payload to the service worker, as Chrome does when its push
        service delivers one, and return the notifications on display once it has shown one.
        """
        scope = self.origin + "/"
        cdp = self.context.new_cdp_session(self.page)
        registrations: dict[str, str] = {}

        def registration_updated(event: dict[str, Any]) -> None:
            for registration in event["registrations"]:
                if not registration["isDeleted"]:
                    registrations[registration["scopeURL"]] = registration["registrationId"]

        cdp.on("ServiceWorker.workerRegistrationUpdated", registration_updated)
        cdp.send("ServiceWorker.enable")
        registration_id = poll(
            lambda: registrations.get(scope),
            lambda found: found is not None,
            page=self.page,
            what=f"a service worker registration for {scope}",
        )
        # Chromium's getNotifications() deletes any stored notification that the platform
        # does not list as on display yet (platform_notification_context_impl.cc), so a read
        # made while the worker is still showing one loses it for good. Wait for the worker's
        # own showNotification() to resolve instead, then read once.
        cdp.send("ServiceWorker.startWorker", {"scopeURL": scope})
        worker = poll(
            lambda: next(
                (w for w in self.context.service_workers if w.url.startswith(scope)), None
            ),
            lambda found: found is not None,
            page=self.page,
            what="the service worker running",
        )
        worker.evaluate(RECORD_SHOWN_NOTIFICATIONS)
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.origin, "registrationId": registration_id, "data": payload},
        )
        shown = poll(
            lambda: worker.evaluate("() => self.__tonusShown"),
            bool,
            page=self.page,
            what="the service worker showing a notification for the push",
        )
        assert all("error" not in outcome for outcome in shown), shown
        return self.page.evaluate(NOTIFICATIONS_ON_DISPLAY)


@pytest.fixture(scope="session")
def live_server(request) -> Iterator[LiveServer]:
    """pytest-django's live server, with static files served the way production serves them.

    pytest-django puts Django's StaticFilesHandler in front of the app. It looks files up by
    their source names and answers 404 for the hashed names that pages link to with
    CompressedManifestStaticFilesStorage, so no stylesheet, script or service worker loads.
    Without it, the app's own WhiteNoise middleware serves the collected, hashed files.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = lambda app: app
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # A missing browser is a failure, never a skip: a green run must mean the tests ran.
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see bin/test)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def new_phone(request, browser: Browser, live_server) -> Iterator[Callable[..., Phone]]:
    """Opens phones on demand, each a fresh browser profile: the Android phone of PHONE, with
    `options` for Playwright's new_context put over it (another device, another user agent).
    """
    origin = live_server.url
    major = browser.version.split(".")[0]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phones: list[Phone] = []

    def open_phone(*, allow_notifications: bool = True, **options: Any) -> Phone:
        context = browser.new_context(
            **PHONE | {"user_agent": PHONE["user_agent"].format(major=major)} | options
        )
        if allow_notifications:
            # As if the person had already allowed notifications when the browser asks.
            context.grant_permissions(["notifications"], origin=origin)
        context.set_default_timeout(15_000)
        page = context.new_page()
        device = Phone(context=context, page=page, origin=origin, test_name=request.node.name)
        page.on("pageerror", lambda error: device.page_errors.append(str(error)))

        def note_csp(message) -> None:
            if "Content Security Policy" in message.text:
                device.csp_violations.append(message.text)

        page.on("console", note_csp)
        phones.append(device)
        return device

    yield open_phone
    for device in phones:
        if getattr(request.node, "browser_failed", False):
            # What the phone showed when the test failed, and any uncaught script errors.
            try:
                device.screenshot("failed")
            except Exception as error:  # a crashed page must not hide the test's own failure
                device.page_errors.append(f"no screenshot: {error}")
            if device.page_errors:
                (SCREENSHOTS / f"{device.test_name}-page-errors.txt").write_text(
                    "\n".join(device.page_errors)
                )
        device.context.close()
    # Every browser test doubles as a check that the pages run under the strict CSP.
    violations = [violation for device in phones for violation in device.csp_violations]
    assert not violations, "\n".join(violations)


@pytest.fixture
def phone(new_phone: Callable[..., Phone]) -> Phone:
    return new_phone()
