from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.forms import (
    AccountDeleteForm,
    ApiTokenForm,
    PasswordChangeForm,
    PasswordResetForm,
    SettingsForm,
    SignUpForm,
)
from backend.accounts.links import sign_up_links
from backend.accounts.selectors import api_tokens_for_user, first_page
from backend.accounts.services import (
    account_delete,
    api_token_create,
    api_token_revoke,
    sign_up_confirm,
    sign_up_request,
    user_update,
)
from backend.shared.access import Allow, allows


def _next_url(request) -> str:
    """Where to go after signing up, when asked (an invitation link): only on this site."""
    url = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def _go_on(next_url: str, default: str) -> HttpResponseRedirect:
    # A next that is no URL ("home", "-1") is taken as one, never as a view name to reverse.
    return HttpResponseRedirect(next_url) if next_url else redirect(default)


@allows(Allow.LOGIN)
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}


@allows(Allow.ANYONE)
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


@allows(Allow.ANYONE)
@require_http_methods(["GET", "POST"])
def sign_up(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return _go_on(next_url, "home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sign_up_request(links=sign_up_links(request, next_url), **form.cleaned_data)
        # The same page whether or not the address has an account (see sign_up_request).
        context = {"email": form.cleaned_data["email"]}
        return render(request, "registration/sign_up_sent.html", context)
    status = 400 if form.errors else 200
    context = {"form": form, "next": next_url}
    return render(request, "registration/sign_up.html", context, status=status)


@allows(Allow.ANYONE)
@require_http_methods(["GET", "POST"])
def sign_up_confirm_page(request, uid: str, token: str):
    """The email's link. Opening it asks for one tap: mail scanners that open links must not
    use up a link that works once."""
    next_url = _next_url(request)
    if request.method == "POST":
        user = sign_up_confirm(uid=uid, token=token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # Whoever came for something else (an invitation link) goes there; their own
            # plan page still offers a first plan and the safety questions when they want.
            return _go_on(next_url, first_page(user=user))
        context = {"failed": True}
        return render(request, "registration/sign_up_confirm.html", context, status=400)
    return render(request, "registration/sign_up_confirm.html", {"next": next_url})


@allows(Allow.LOGIN)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = user_update(user=request.user, **form.cleaned_data)
        # Said in the language just chosen, as is the page after it.
        translation.activate(user.language)
        messages.success(request, _("Settings saved."))
        return redirect("settings")
    status = 400 if form.errors else 200
    return _settings_render(request, status=status, form=form)


def _settings_render(request, *, status=200, **context):
    context = {
        "form": SettingsForm(instance=request.user),
        "delete_form": AccountDeleteForm(user=request.user, prefix="delete"),
        "token_form": ApiTokenForm(prefix="token"),
        "tokens": api_tokens_for_user(user=request.user),
        **context,
    }
    return render(request, "accounts/settings.html", context, status=status)


@allows(Allow.LOGIN)
@require_http_methods(["POST"])
def token_new(request):
    """A new access token, shown on this answer once: only its hash is kept."""
    form = ApiTokenForm(request.POST, prefix="token")
    if not form.is_valid():
        return _settings_render(request, status=400, token_form=form)
    token, secret = api_token_create(user=request.user, **form.cleaned_data)
    return _settings_render(request, new_token=token, new_token_secret=secret)


@allows(Allow.LOGIN)
@require_http_methods(["POST"])
def token_revoke(request, token_id: int):
    if not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404(_("No such token."))
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect(reverse("settings") + "#tokens")


@allows(Allow.LOGIN)
@require_http_methods(["POST"])
def account_delete_page(request):
    form = AccountDeleteForm(request.POST, user=request.user, request=request, prefix="delete")
    if not form.is_valid():
        return _settings_render(request, status=400, delete_form=form)
    user = request.user
    logout(request)
    account_delete(user=user)
    messages.success(request, _("Your account and everything in it are deleted."))
    return redirect("login")
