"""What the account tells the apps above it, which it must not import."""

from django.dispatch import Signal

# The person's time zone or quiet hours changed: their reminders must move. Sent inside the
# transaction of the change, with person=<User>.
reminder_times_changed = Signal()
