from django.conf import settings


def push(request):
    """The application server key the browser subscribes with."""
    return {"vapid_public_key": settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"] or ""}
