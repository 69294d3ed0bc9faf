"""Writes for the care circle: dependents and their caregivers."""

import hashlib
import secrets
import zoneinfo
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.care.access import CAREGIVER, SUPPORT, THERAPIST, role_for
from backend.care.models import CareRelation, Invitation, SupportRelation, TherapistAccess


@transaction.atomic
def dependent_create(
    *,
    caregiver: User,
    name: str,
    time_zone: zoneinfo.ZoneInfo | None = None,
    birth_year: int | None = None,
    escalate_after: int | None = None,
) -> User:
    """A person with no login (a child), managed by the caregiver who adds them.

    Unless told otherwise, they live in the caregiver's zone: never UTC's 3 a.m. reminders.
    """
    # The child's calendar feed speaks the language of the family that adds them.
    person = User.objects.create_dependent(
        name=name,
        time_zone=time_zone or caregiver.time_zone,
        birth_year=birth_year,
        language=caregiver.language,
    )
    if escalate_after is not None:
        User.objects.filter(id=person.id).update(escalate_after=escalate_after)
        person.escalate_after = escalate_after
    CareRelation.objects.create(caregiver=caregiver, person=person)
    return person


INVITATION_LIFETIME = timedelta(days=3)
# No 0/O or 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


class CareError(Exception):
    """Why a change to a care circle cannot be made; the message is shown as it is."""


class InvitationError(CareError):
    """Why a code grants nothing; the message is shown to the person who typed it."""


def _code_hash(code: str) -> str:
    normal = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normal.encode()).hexdigest()


def invitation_create(*, person: User, role: str, created_by: User) -> tuple[Invitation, str]:
    """Returns the invitation and its code; the code itself is never stored."""
    if role == Invitation.Role.SUPPORT and person.is_dependent:
        # A child's support people are the caregivers who look after them.
        raise CareError(_("A support person is chosen by an adult for themself."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = Invitation.objects.create(
        person=person,
        role=role,
        code_hash=_code_hash(code),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, f"{code[:5]}-{code[5:]}"


@transaction.atomic
def invitation_accept(*, code: str, user: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(code_hash=_code_hash(code)).first()
    if invitation is None:
        raise InvitationError(_("No invitation has this code. Check it and try again."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation was already used. Ask for a new one."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    if invitation.person_id == user.id:
        raise InvitationError(_("This invitation is for someone else to accept."))
    # Checked before anything is granted: the code stays unused for the one it was meant for.
    if invitation.created_by_id == user.id:
        raise InvitationError(
            _("You made this invitation. Share the code with the person you want to invite.")
        )
    if role_for(user, invitation.person) in (CAREGIVER, THERAPIST, SUPPORT):
        raise InvitationError(
            _("You are already in %(name)s's care circle. Keep the code for someone new.")
            % {"name": invitation.person.display_name}
        )
    if invitation.role == Invitation.Role.CAREGIVER:
        CareRelation.objects.get_or_create(caregiver=user, person=invitation.person)
    elif invitation.role == Invitation.Role.SUPPORT:
        SupportRelation.objects.get_or_create(supporter=user, person=invitation.person)
    else:
        TherapistAccess.objects.get_or_create(
            therapist=user, person=invitation.person, revoked_at=None
        )
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return invitation


def invitation_cancel(*, person: User, invitation_id: int) -> bool:
    """A code not yet used stops working at once; a used one has nothing left to cancel."""
    deleted, _rows = Invitation.objects.filter(
        person=person, id=invitation_id, accepted_at__isnull=True
    ).delete()
    return deleted > 0


class RemovalRefused(CareError):
    """The login is in the circle but may not take others out of it."""


def may_remove_others(*, person: User, by: User) -> bool:
    """Who takes people out of a circle: an adult decides their own circle alone; a child's
    caregivers decide the child's."""
    if person.is_dependent:
        return role_for(by, person) == CAREGIVER
    return by.id == person.id


def _removal_refused(person: User, by: User) -> None:
    if not may_remove_others(person=person, by=by):
        raise RemovalRefused(
            _("Only %(name)s can remove people from their circle.") % {"name": person.display_name}
        )


def removed_tell(*, removed: User, person: User) -> None:
    """Tells the removed person in neutral words, once the removal is stored: no reason, no
    health words, in their own language."""
    if not removed.email:
        return

    def send():
        with translation.override(removed.language):
            send_mail(
                _("Your access on Tonus has changed"),
                _(
                    "You no longer have access to %(name)s's plan on Tonus. "
                    "Nothing else about your account has changed."
                )
                % {"name": person.display_name},
                None,
                [removed.email],
            )

    transaction.on_commit(send)


def therapist_revoke(*, person: User, therapist_id: int, by: User | None = None) -> bool:
    """Effective at once: the therapist's next request no longer finds the person."""
    if by is not None:
        _removal_refused(person, by)
    with transaction.atomic():
        accesses = TherapistAccess.objects.filter(
            person=person, therapist_id=therapist_id, revoked_at__isnull=True
        ).select_related("therapist")
        access = accesses.first()
        if access is None:
            return False
        accesses.update(revoked_at=timezone.now())
        if by is not None:
            removed_tell(removed=access.therapist, person=person)
    return True


@transaction.atomic
def caregiver_remove(*, person: User, caregiver_id: int, by: User) -> bool:
    """Takes a caregiver out of the circle at once: their next request for the person finds
    nothing, and the person's next reminder no longer reaches their phones. A child keeps at
    least one caregiver. False if there is no such caregiver."""
    relations = CareRelation.objects.select_for_update().filter(person=person)
    relation = relations.filter(caregiver_id=caregiver_id).select_related("caregiver").first()
    if relation is None:
        return False
    if caregiver_id == by.id:
        caregiver_leave(caregiver=by, person=person)
        return True
    _removal_refused(person, by)
    if person.is_dependent and len(relations) <= 1:
        raise CareError(_("A child keeps at least one caregiver."))
    relation.delete()
    removed_tell(removed=relation.caregiver, person=person)
    return True


@transaction.atomic
def support_person_remove(*, person: User, supporter_id: int, by: User) -> bool:
    """Takes a support person out at once; the support person may also step back themself."""
    relation = (
        SupportRelation.objects.filter(person=person, supporter_id=supporter_id)
        .select_related("supporter")
        .first()
    )
    if relation is None:
        return False
    if supporter_id != by.id:
        _removal_refused(person, by)
    relation.delete()
    if supporter_id != by.id:
        removed_tell(removed=relation.supporter, person=person)
    return True


def caregiver_leave(*, caregiver: User, person: User) -> None:
    """A caregiver steps back; the last one cannot, or the person would be left with no one."""
    with transaction.atomic():
        relations = CareRelation.objects.select_for_update().filter(person=person)
        if person.is_dependent and relations.count() <= 1:
            raise CareError(
                _(
                    "You are the only caregiver. Invite another caregiver first, or delete the profile."
                )
            )
        relations.filter(caregiver=caregiver).delete()


def dependent_delete(*, person: User) -> None:
    """Deletes a dependent and everything recorded for them: plans, reminders, check-ins."""
    if not person.is_dependent:
        raise CareError(_("Only a profile with no login of its own can be deleted here."))
    person.delete()
