"""Who a request is about: the one place that decides whose data a person may act on.

A signed-in person acts for themself, for someone in their care (a dependent child), or,
read-only, for a patient who granted them therapist access. The choice is kept in the
session (the switcher) or, for API clients, given in the X-Tonus-Person header. Anyone else
is answered 404, so that their existence does not leak; a therapist's writes are refused
with 403, and each of their reads is written to the person's access log.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.care.services import access_log_record

SESSION_KEY = "tonus_person"
HEADER = "X-Tonus-Person"


def people_in_care_of(user: User) -> QuerySet[User]:
    """The person themself and everyone they look after."""
    return User.objects.filter(Q(id=user.id) | Q(caregivers__caregiver=user)).distinct()


def patients_of(user: User) -> QuerySet[User]:
    """People who granted this therapist access that is not revoked."""
    return User.objects.filter(
        therapists_access__therapist=user, therapists_access__revoked_at__isnull=True
    ).distinct()


def role_for(user: User, person: User) -> str | None:
    if person.id == user.id:
        return "self"
    if people_in_care_of(user).filter(id=person.id).exists():
        return "caregiver"
    if patients_of(user).filter(id=person.id).exists():
        return "therapist"
    return None


def managed_person(request) -> User:
    """The acting person, when this login may manage them (themself or as a caregiver).

    A therapist's read-only access stops here: invitations, the access log and the secret
    calendar address (which would outlive a revoked access) are not theirs to see.
    """
    if role_for(request.user, request.person) not in ("self", "caregiver"):
        raise Http404(_("No such person."))
    return request.person


def person_for_request(request) -> User:
    user = request.user
    from_header = request.headers.get(HEADER)
    wanted = from_header or request.session.get(SESSION_KEY)
    if wanted in (None, "", str(user.id), user.id):
        return user
    person = None
    if str(wanted).isdigit():
        wanted_id = int(wanted)
        person = (
            people_in_care_of(user).filter(id=wanted_id).first()
            or patients_of(user).filter(id=wanted_id).first()
        )
    if person is not None:
        return person
    if from_header:
        raise Http404(_("No such person."))
    # A stale choice (care ended since): back to the person themself.
    request.session.pop(SESSION_KEY, None)
    return user


def person_switch(request, person_id: int) -> User:
    user = request.user
    person = (
        people_in_care_of(user).filter(id=person_id).first()
        or patients_of(user).filter(id=person_id).first()
    )
    if person is None:
        raise Http404(_("No such person."))
    request.session[SESSION_KEY] = person.id
    return person


# Paths where the acting person does not matter (the login's own things) or where a
# therapist may write on purpose.
OWN_PATHS = ("/accounts/", "/care/", "/api/v1/care/", "/api/v1/accounts/", "/api/v1/devices/",
             "/api/v1/reminders/test/", "/sw.js", "/manifest.webmanifest", "/static/", "/offline/")  # fmt: skip


def therapist_may_write(view):
    """Marks a view (function or class) where a therapist writes on purpose: notes, proposals."""
    view.therapist_may_write = True
    return view


def _writes_allowed_for_therapist(view_func) -> bool:
    view = getattr(view_func, "view_class", view_func)
    return getattr(view, "therapist_may_write", False)


class ActingPersonMiddleware:
    """Sets request.person: whose plans, reminders and check-ins this request is about."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            request.person = None
        else:
            request.person = SimpleLazyObject(lambda: person_for_request(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.person is None or request.path.startswith(OWN_PATHS):
            return None
        if role_for(request.user, request.person) == "therapist":
            if request.method not in ("GET", "HEAD", "OPTIONS") and not (
                _writes_allowed_for_therapist(view_func)
            ):
                raise PermissionDenied(_("Therapists have read-only access."))
            access_log_record(therapist=request.user, person=request.person, path=request.path)
        return None
