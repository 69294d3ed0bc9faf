from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.forms import SettingsForm, SignUpForm
from backend.accounts.services import user_sign_up, user_update


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_sign_up(**form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
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
    return render(request, "accounts/settings.html", {"form": form}, status=status)
