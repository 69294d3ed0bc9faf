from django.utils import timezone


class PersonTimezoneMiddleware:
    """Show times on pages in the signed-in person's own zone.

    The database and the API stay in UTC; the API adds local times where a person reads them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = getattr(request, "person", None)
        if person is not None and not request.path.startswith("/api/"):
            # The zone of the person the page is about: a child's reminders in the child's time.
            timezone.activate(person.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
