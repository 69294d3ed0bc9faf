"""Who may act for whom: the one place that decides it.

A signed-in login acts for themself, for someone in their care (a dependent child, or an adult
who invited them as caregiver), read-only for a patient who granted them therapist access, or,
as a support person an adult invited, for that adult's day alone: today's reminders, marking
one done. Everywhere else a support person is answered as an outsider.
The choice is kept in the session (the switcher) or, for API clients, given in the
X-Tonus-Person header.

Every page and API view declares what it allows (backend.shared.access): pages with the
`allows` decorator, checked here by the middleware on the resolved view; API views with an
`allows` attribute, checked by the `ActingPerson` permission class, DRF's default, once DRF
has authenticated the request. Nothing is decided on the request's path.
Someone outside the circle is answered 404, so that a person's existence does not leak; a
therapist's writes are refused with 403, except where a view allows them (notes and
suggestions); each look a therapist takes is written to the person's access log.

An access token acts as its owner, by the same rules, with two limits decided here too: a
token whose scope is read never writes, and a token acting as a therapist only reads (notes
and suggestions included), whatever scope it was made with.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from backend.accounts.models import User
from backend.accounts.tokens import token_of
from backend.care.models import AccessLogEntry, SupportRelation, TherapistAccess
from backend.shared.access import Allow, declared, level_for

SESSION_KEY = "tonus_person"
HEADER = "X-Tonus-Person"

SELF, CAREGIVER, THERAPIST, SUPPORT = "self", "caregiver", "therapist", "support"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Views of Django (log-in, password reset, the admin) decide for themselves.
THIRD_PARTY = ("django.",)


def people_in_care_of(user: User) -> QuerySet[User]:
    """The person themself and everyone they look after."""
    return User.objects.filter(Q(id=user.id) | Q(caregivers__caregiver=user)).distinct()


def patients_of(user: User) -> QuerySet[User]:
    """People who granted this therapist access that is not revoked."""
    return User.objects.filter(
        therapists_access__therapist=user, therapists_access__revoked_at__isnull=True
    ).distinct()


def therapists_of(person: User) -> QuerySet[User]:
    """Therapists this person granted access that is not revoked: who sees their alerts."""
    return User.objects.filter(
        patients_access__person=person, patients_access__revoked_at__isnull=True
    ).distinct()


def people_with_a_therapist() -> QuerySet[User]:
    """Everyone who granted some therapist access that is not revoked."""
    return User.objects.filter(
        Exists(TherapistAccess.objects.filter(person=OuterRef("pk"), revoked_at__isnull=True))
    )


def supported_by(user: User) -> QuerySet[User]:
    """Adults who chose this login as one of their support people."""
    return User.objects.filter(support_people__supporter=user).distinct()


def person_in_care_of(user: User, person_id: int) -> User | None:
    """Someone else this login looks after, or None."""
    return people_in_care_of(user).exclude(id=user.id).filter(id=person_id).first()


def role_for(user: User, person: User) -> str | None:
    """self, caregiver, therapist, support, or None for someone outside the person's circle."""
    if person.id == user.id:
        return SELF
    if people_in_care_of(user).filter(id=person.id).exists():
        return CAREGIVER
    if patients_of(user).filter(id=person.id).exists():
        return THERAPIST
    if SupportRelation.objects.filter(supporter=user, person=person).exists():
        return SUPPORT
    return None


def manages(role: str | None) -> bool:
    """The person themself or a caregiver: who may change plans, invite and revoke."""
    return role in (SELF, CAREGIVER)


def access_log_record(*, therapist: User, person: User, path: str) -> None:
    access_log_record_many(therapist=therapist, people=[person], path=path)


def access_log_record_many(*, therapist: User, people: list[User], path: str) -> None:
    """One page that shows several people (the dashboard): one row each, in one insert."""
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                therapist=therapist,
                therapist_name=therapist.display_name,
                person=person,
                path=path[:200],
            )
            for person in people
        ]
    )


def acting_role(request) -> str | None:
    """The login's role for the acting person: set by the check, or worked out on views that
    allow the login's own things."""
    if getattr(request, "role", None) is None:
        request.role = role_for(request.user, request.person)
    return request.role


def _reachable(user: User, person_id: int) -> User | None:
    return (
        people_in_care_of(user).filter(id=person_id).first()
        or patients_of(user).filter(id=person_id).first()
        or supported_by(user).filter(id=person_id).first()
    )


def person_for_request(request, user: User) -> User:
    """The acting person: the header's, else the session's choice, else the login."""
    from_header = request.headers.get(HEADER)
    # A token has no switcher: the header, or its owner. A session's choice is the session's.
    by_token = token_of(request) is not None
    wanted = from_header or (None if by_token else request.session.get(SESSION_KEY))
    if wanted in (None, "", str(user.id), user.id):
        return user
    person = _reachable(user, int(wanted)) if str(wanted).isdigit() else None
    if person is not None:
        return person
    if from_header:
        raise Http404(_("No such person."))
    # A stale choice (care ended since): back to the person themself.
    request.session.pop(SESSION_KEY, None)
    return user


def person_switch(request, person_id: int) -> User:
    person = _reachable(request.user, person_id)
    if person is None:
        raise Http404(_("No such person."))
    request.session[SESSION_KEY] = person.id
    return person


def access_check(request, *, user: User, allows) -> None:
    """Lets the request through or raises 404/403; sets request.person and request.role.

    `request` may be Django's or DRF's; both get the same acting person.
    """
    level = level_for(allows, request.method)
    if level in (Allow.ANYONE, Allow.LOGIN):
        return
    person = person_for_request(request, user)
    role = role_for(user, person)
    django_request = getattr(request, "_request", request)
    django_request.person, django_request.role = person, role
    if role is None or (level is Allow.MANAGE and not manages(role)):
        raise Http404(_("No such person."))
    # A support person is let into the person's day alone; elsewhere they are an outsider.
    if role == SUPPORT and level is not Allow.SUPPORT_ACTS:
        raise Http404(_("No such person."))
    writes = request.method not in SAFE_METHODS
    if role == THERAPIST:
        if writes and token_of(request) is not None:
            raise PermissionDenied(_("A therapist's access token only reads."))
        if writes and level is not Allow.THERAPIST_WRITES:
            raise PermissionDenied(_("Therapists have read-only access."))
        access_log_record(therapist=user, person=person, path=django_request.path_info)
    elif writes and level is Allow.THERAPIST_WRITES:
        raise PermissionDenied(
            _("Notes and suggestions come from a therapist the plan is shared with.")
        )


class ActingPerson(BasePermission):
    """DRF's default permission: the view's `allows` decides, as `allows` does for pages."""

    def has_permission(self, request, view) -> bool:
        allowed = declared(view)
        if allowed is None:
            raise ImproperlyConfigured(f"{type(view).__name__} does not declare `allows`.")
        token = token_of(request)
        if token is not None and request.method not in SAFE_METHODS and not token.writes:
            raise PermissionDenied(_("This access token only reads."))
        if level_for(allowed, request.method) is Allow.ANYONE:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        access_check(request, user=request.user, allows=allowed)
        return True


class ActingPersonMiddleware:
    """Checks each page against what it declares, and gives every signed-in request
    request.person (the pages' banner and time zone), resolved when first read. Views that
    allow more than the login's own things have it, and request.role, set by the check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.person = SimpleLazyObject(lambda: person_for_request(request, request.user))
        else:
            request.person = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(view_func, "cls"):
            return None  # a DRF view: ActingPerson decides, after DRF has authenticated
        allowed = declared(view_func)
        if allowed is None:
            if view_func.__module__.startswith(THIRD_PARTY):
                return None
            raise ImproperlyConfigured(f"{view_func.__qualname__} does not declare `allows`.")
        if level_for(allowed, request.method) is Allow.ANYONE:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access_check(request, user=request.user, allows=allowed)
        return None
