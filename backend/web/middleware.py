from django.utils.cache import patch_cache_control


class PrivateAnswersMiddleware:
    """Pages and API answers carry health data: none may be kept by a shared cache, nor by
    the browser, whose back button would otherwise show them again after log-out or after a
    switch to another person. An answer whose view set its own Cache-Control (the service
    worker script, the manifest) keeps it; static files never come this far (WhiteNoise).

    Pages also say whose data they show (X-Tonus-Person), so that the service worker keeps
    offline copies of one person's pages only (frontend/root/sw.js).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        person = getattr(request, "person", None)
        if person is not None and response.get("Content-Type", "").startswith("text/html"):
            response["X-Tonus-Person"] = str(person.pk)
        return response
