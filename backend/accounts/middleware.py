from django.utils import timezone


class PersonTimezoneMiddleware:
    """Show times in the signed-in person's own zone; the database stays in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
