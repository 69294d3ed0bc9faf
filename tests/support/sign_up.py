"""Finishing a sign-up as a person does: with the link in the email Tonus sent them."""

import re
from urllib.parse import urlsplit

from django.core import mail

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/signup/confirm/\S+")


def sign_up_link(email: str) -> str:
    """The path and query of the newest sign-up link emailed to `email`."""
    for message in reversed(mail.outbox):
        if email in message.to:
            found = CONFIRM_LINK.search(message.body)
            assert found, f"no sign-up link in the email to {email}: {message.body}"
            url = urlsplit(found.group())
            return url.path + (f"?{url.query}" if url.query else "")
    raise AssertionError(f"no email to {email}")


def sign_up_finish(client, email: str):
    """Opens the emailed link and taps the button the page shows."""
    link = sign_up_link(email)
    page = client.get(link)
    assert page.status_code == 200, page.content
    return client.post(link)
