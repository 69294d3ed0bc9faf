from django.conf import settings
from django.core.checks import Warning, register


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
