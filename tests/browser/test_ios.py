"""Reminders on an iPhone or iPad: Safari gives the Push API only to a web app opened from the
Home Screen, so in a Safari tab the home page says how to get there, and nowhere else.

Chromium stands in for Safari. With Safari's user agent it still has the Push API, so the
scripts below take it away as Safari does in a tab; an app opened from the Home Screen is
emulated the way push.js detects it (navigator.standalone and the standalone display mode).
"""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IOS_HINT = (
    "On iPhone and iPad, reminders need Tonus on your home screen first: tap the Share button, "
    "then “Add to Home Screen”, and open Tonus from there."
)
ADD_TO_HOME_SCREEN = "Add Tonus to your home screen to get reminders."
REMINDERS_OFF = "Reminders are off on this phone."
CANNOT_SHOW = "This browser cannot show reminders."

# iPadOS Safari asks for desktop sites: it says it is a Mac, one with a touch screen.
IPAD = {
    "viewport": {"width": 820, "height": 1180},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
    ),
}
LIKE_AN_IPAD = """
Object.defineProperty(Navigator.prototype, "platform", { get: () => "MacIntel" });
Object.defineProperty(Navigator.prototype, "maxTouchPoints", { get: () => 5 });
"""

# Counts permission requests. Safari has no Notification in a tab either; it is kept so that
# a request on load would be counted here, not merely throw (or be caught and go unseen).
COUNT_PERMISSION_REQUESTS = """
window.__tonusPermissionRequests = 0;
const requestPermission = Notification.requestPermission.bind(Notification);
Notification.requestPermission = (...args) => {
  window.__tonusPermissionRequests += 1;
  return requestPermission(...args);
};
"""
# Safari in a tab, from iOS 16.4 on; before 16.4 there was no Push API anywhere.
NO_PUSH_API = "delete window.PushManager;"
IN_A_TAB = 'Object.defineProperty(Navigator.prototype, "standalone", { get: () => false });'
# Opened from the Home Screen: Safari reports both of what push.js looks at.
FROM_THE_HOME_SCREEN = """
Object.defineProperty(Navigator.prototype, "standalone", { get: () => true });
const matchMedia = window.matchMedia.bind(window);
window.matchMedia = (query) =>
  matchMedia(
    query.replace(/\\(\\s*display-mode\\s*:\\s*([a-z-]+)\\s*\\)/g, (_, mode) =>
      mode === "standalone" ? "(min-width: 0px)" : "(max-width: 0px)",
    ),
  );
"""


def iphone(playwright) -> dict:
    device = dict(playwright.devices["iPhone 15"])
    del device["default_browser_type"]  # Chromium runs it, not WebKit
    return device


def open_home(phone, email: str, *scripts: str) -> Page:
    for script in (COUNT_PERMISSION_REQUESTS, *scripts):
        phone.context.add_init_script(script)
    phone.log_in(email, PASSWORD)
    return phone.page


def expect_nothing_asked(phone) -> None:
    page = phone.page
    assert page.evaluate("window.__tonusPermissionRequests") == 0
    assert page.evaluate("Notification.permission") == "default"
    assert phone.page_errors == []


@pytest.mark.parametrize(
    ("device", "scripts"),
    [
        pytest.param("iPhone", (), id="iphone"),
        pytest.param(IPAD, (LIKE_AN_IPAD,), id="ipad"),
    ],
)
def test_in_a_safari_tab_the_home_page_says_to_add_tonus_to_the_home_screen(
    live_server, playwright, new_phone, make_person, device, scripts
):
    device = iphone(playwright) if device == "iPhone" else device
    person = make_person("ios.person@example.com")
    phone = new_phone(allow_notifications=False, **device)
    page = open_home(phone, person.email, NO_PUSH_API, IN_A_TAB, *scripts)

    hint = page.locator("#ios-hint")
    expect(hint).to_be_visible()
    expect(hint).to_have_text(IOS_HINT)
    expect(page.locator("#push-status")).to_have_text(ADD_TO_HOME_SCREEN)
    # Nothing to tap here: the way on is in Safari's Share menu.
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_hidden()
    expect(page.get_by_role("button", name="Send me a test reminder")).to_be_hidden()
    phone.screenshot("home")
    expect_nothing_asked(phone)


@pytest.mark.parametrize(
    ("scripts", "status", "can_turn_on"),
    [
        # iOS 16.4 or later: the installed app has the Push API and offers the button.
        pytest.param((FROM_THE_HOME_SCREEN,), REMINDERS_OFF, True, id="ios-16.4-or-later"),
        # Older iOS: installed but still without push; installing again would not help.
        pytest.param((NO_PUSH_API, FROM_THE_HOME_SCREEN), CANNOT_SHOW, False, id="before-ios-16.4"),
    ],
)
def test_opened_from_the_home_screen_an_iphone_gets_no_hint(
    live_server, playwright, new_phone, make_person, scripts, status, can_turn_on
):
    device = iphone(playwright)
    person = make_person("ios.person@example.com")
    phone = new_phone(allow_notifications=False, **device)
    page = open_home(phone, person.email, *scripts)
    assert page.evaluate("window.matchMedia('(display-mode: standalone)').matches")

    expect(page.locator("#push-status")).to_have_text(status)
    expect(page.locator("#ios-hint")).to_be_hidden()
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible(visible=can_turn_on)
    phone.screenshot("home")
    expect_nothing_asked(phone)


def test_chrome_on_android_gets_no_hint(live_server, new_phone, make_person):
    person = make_person("android.person@example.com")
    phone = new_phone(allow_notifications=False)  # the usual Android phone, in a tab
    page = open_home(phone, person.email)

    expect(page.locator("#push-status")).to_have_text(REMINDERS_OFF)
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible()
    expect(page.locator("#ios-hint")).to_be_hidden()
    phone.screenshot("home")
    expect_nothing_asked(phone)
