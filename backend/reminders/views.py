from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from backend.reminders.calendar import calendar_render
from backend.reminders.models import CalendarFeed


@require_GET
def calendar_feed(request, token: str):
    # The unguessable token is the only key: calendar apps send no cookies.
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None:
        raise Http404
    response = HttpResponse(
        calendar_render(person=feed.person, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="tonus.ics"'
    return response
