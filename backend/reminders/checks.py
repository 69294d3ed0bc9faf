from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@register()
def vapid_keys_present(app_configs, **kwargs):
    keys = settings.WEBPUSH_SETTINGS
    if keys.get("VAPID_PUBLIC_KEY") and keys.get("VAPID_PRIVATE_KEY"):
        return []
    return [
        Warning(
            "No VAPID keys: reminders cannot be sent.",
            hint="Run `python manage.py vapid_keys`, or set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY.",
            id="reminders.W001",
        )
    ]


@register()
def vapid_contact_valid(app_configs, **kwargs):
    # Push services, Apple's among them, refuse a VAPID subject that is not a plain mailto:.
    contact = settings.WEBPUSH_SETTINGS.get("VAPID_ADMIN_EMAIL") or ""
    try:
        validate_email(contact)
    except ValidationError:
        return [
            Error(
                f"VAPID_ADMIN_EMAIL {contact!r} is not an email address.",
                hint="Push services refuse a VAPID subject other than mailto:<address>.",
                id="reminders.E001",
            )
        ]
    return []
