from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.forms import AccountDeleteForm, SettingsForm, SignUpForm
from backend.accounts.services import account_delete, user_sign_up, user_update


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_sign_up(**form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("plan-start")
    status = 400 if form.errors else 200
    return render(request, "registration/sign_up.html", {"form": form}, status=status)


@login_required
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
    context = {"form": form, "delete_form": AccountDeleteForm(user=request.user, prefix="delete")}
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def account_delete_page(request):
    form = AccountDeleteForm(request.POST, user=request.user, prefix="delete")
    if not form.is_valid():
        context = {"form": SettingsForm(instance=request.user), "delete_form": form}
        return render(request, "accounts/settings.html", context, status=400)
    user = request.user
    logout(request)
    account_delete(user=user)
    messages.success(request, _("Your account and everything in it are deleted."))
    return redirect("login")
