"""The links sign-up emails hold, on the address the person signed up at."""

from django.urls import reverse
from django.utils.http import urlencode

from backend.accounts.services import SignUpLinks


def sign_up_links(request, next_url: str) -> SignUpLinks:
    """The confirm link carries `next` (an invitation's join page, say) through the email."""
    query = "?" + urlencode({"next": next_url}) if next_url else ""

    def confirm(uid: str, token: str) -> str:
        path = reverse("signup-confirm", args=[uid, token])
        return request.build_absolute_uri(path + query)

    return SignUpLinks(
        confirm=confirm,
        log_in=request.build_absolute_uri(reverse("login")),
        password_reset=request.build_absolute_uri(reverse("password_reset")),
    )
