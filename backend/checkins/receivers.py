"""The check-ins' answers to what happens in the apps below them."""

from django.dispatch import receiver

from backend.checkins.services import therapist_message_notify
from backend.plans.signals import proposal_made


@receiver(proposal_made, dispatch_uid="checkins.proposal_notify")
def proposal_notify(sender, *, proposal, **kwargs) -> None:
    therapist_message_notify(person=proposal.person, tag=f"proposal-{proposal.id}")
