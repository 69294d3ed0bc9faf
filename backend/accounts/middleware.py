from django.utils import timezone


class PersonTimezoneMiddleware:
    """Show times on pages in the signed-in person's own zone.

    The database and the API stay in UTC; the API adds local times where a person reads them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            timezone.activate(user.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
