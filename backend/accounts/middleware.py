from django.utils import timezone, translation


class PersonTimezoneMiddleware:
    """Show times on pages in the signed-in person's own zone.

    The database and the API stay in UTC; the API adds local times where a person reads them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = getattr(request, "person", None)
        if person is not None and not request.path_info.startswith("/api/"):
            # The zone of the person the page is about: a child's reminders in the child's time.
            timezone.activate(person.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class PersonLanguageMiddleware:
    """Speak the signed-in person's chosen language, on pages and in the API's messages.

    Runs after LocaleMiddleware, which picked a language from the browser for visitors. The
    login's own choice counts, not the person on screen: a caregiver reads a child's plan in
    the caregiver's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
