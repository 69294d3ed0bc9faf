"""Who a request is about: the one place that decides whose data a person may act on.

A signed-in person acts for themself, or for someone in their care (a dependent child),
chosen with the switcher (kept in the session) or, for API clients, the X-Tonus-Person
header. Anyone else is answered 404, so that their existence does not leak.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from backend.accounts.models import User

SESSION_KEY = "tonus_person"
HEADER = "X-Tonus-Person"


def people_in_care_of(user: User) -> QuerySet[User]:
    """The person themself and everyone they look after."""
    return User.objects.filter(Q(id=user.id) | Q(caregivers__caregiver=user)).distinct()


def person_for_request(request) -> User:
    user = request.user
    from_header = request.headers.get(HEADER)
    wanted = from_header or request.session.get(SESSION_KEY)
    if wanted in (None, "", str(user.id), user.id):
        return user
    person = None
    if str(wanted).isdigit():
        person = people_in_care_of(user).filter(id=int(wanted)).first()
    if person is not None:
        return person
    if from_header:
        raise Http404("No such person.")
    # A stale choice (care ended since): back to the person themself.
    request.session.pop(SESSION_KEY, None)
    return user


def person_switch(request, person_id: int) -> User:
    person = people_in_care_of(request.user).filter(id=person_id).first()
    if person is None:
        raise Http404("No such person.")
    request.session[SESSION_KEY] = person.id
    return person


class ActingPersonMiddleware:
    """Sets request.person: whose plans, reminders and check-ins this request is about."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.person = SimpleLazyObject(lambda: person_for_request(request))
        else:
            request.person = None
        return self.get_response(request)
