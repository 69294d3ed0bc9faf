"""What the plans tell the apps above them, which they must not import."""

from django.dispatch import Signal

# A therapist suggested a plan change: the person (or their caregivers) hear of it. Sent inside
# the transaction that stores it, with proposal=<Proposal>.
proposal_made = Signal()
