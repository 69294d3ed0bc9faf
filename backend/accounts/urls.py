from django.contrib.auth import views as auth_views
from django.urls import include, path

from backend.accounts import views

urlpatterns = [
    path("signup/", views.sign_up, name="signup"),
    path(
        "signup/confirm/<str:uid>/<str:token>/",
        views.sign_up_confirm_page,
        name="signup-confirm",
    ),
    path("settings/", views.settings_page, name="settings"),
    path("delete/", views.account_delete_page, name="account-delete"),
    path("tokens/", views.token_new, name="token-new"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Django's, with wrong old passwords counted as log-in's and reset emails capped.
    path(
        "password_change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    # Django's own views for logout (POST only) and the password reset flow.
    path("", include("django.contrib.auth.urls")),
]
