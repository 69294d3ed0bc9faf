"""An invitation shared the way phones share: the share sheet where the phone has one, a copy
button where it does not, and a link that opens Join with the code filled in."""

import pytest
from playwright.sync_api import expect

from backend.care.models import SupportRelation
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_WEB_SHARE = "delete Navigator.prototype.share; delete Navigator.prototype.canShare;"
# A share sheet that records what it was given, as the phone's would show it.
RECORDED_SHARE = """
window.__shared = [];
Navigator.prototype.share = async function (data) { window.__shared.push(data); };
"""


def invite_a_support_person(phone) -> str:
    page = phone.page
    phone.open("/care/")
    page.get_by_role("button", name="Invite a support person").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a support person")
    return page.locator("#invitation-link").input_value()


def test_without_web_share_the_link_is_copied_and_opens_join_with_the_code(
    live_server, new_phone, make_person
):
    leo = make_person("leo@example.com", name="Leo")
    ana = make_person("ana@example.com", name="Ana")
    phone = new_phone()
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=phone.origin)
    phone.context.add_init_script(NO_WEB_SHARE)
    phone.log_in(leo.email, PASSWORD)
    link = invite_a_support_person(phone)
    page = phone.page

    expect(page.get_by_role("button", name="Share the invitation")).to_be_hidden()
    page.get_by_role("button", name="Copy the link").tap()
    expect(page.locator("#share-status")).to_have_text("Link copied. Paste it into a message.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    phone.screenshot("copied")

    # Ana opens the link on her own phone.
    other = new_phone()
    other.log_in(ana.email, PASSWORD)
    other.page.goto(link)
    expect(other.page.get_by_role("heading", level=1)).to_have_text("Join with a code")
    code = page.locator("#invitation-code").inner_text()
    expect(other.page.get_by_label("Invitation code")).to_have_value(code)
    other.page.get_by_role("button", name="Join").tap()
    expect(other.page.locator("#acting-for")).to_contain_text("Helping Leo")
    other.screenshot("support-home")
    assert SupportRelation.objects.filter(supporter=ana, person=leo).exists()


def test_with_web_share_the_phones_share_sheet_gets_the_invitation(
    live_server, new_phone, make_person
):
    leo = make_person("leo@example.com", name="Leo")
    phone = new_phone()
    phone.context.add_init_script(RECORDED_SHARE)
    phone.log_in(leo.email, PASSWORD)
    link = invite_a_support_person(phone)
    page = phone.page
    code = page.locator("#invitation-code").inner_text()

    expect(page.get_by_role("button", name="Copy the link")).to_be_hidden()
    page.get_by_role("button", name="Share the invitation").tap()

    [shared] = page.evaluate("window.__shared")
    assert shared["url"] == link
    assert shared["title"] == "An invitation to Tonus"
    assert shared["text"] == f"Join Leo's circle on Tonus with the code {code}."
