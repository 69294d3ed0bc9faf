from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backend.reminders.selectors import (
    deliveries_pending,
    dispatch_passes_latest,
    dispatch_passes_since,
    dispatcher_trouble,
    reminders_due_now,
)

HEADER = (
    f"{'started (UTC)':<20} {'took':>7} {'found':>6} {'queued':>6} {'missed':>6} "
    f"{'skipped':>7} {'again':>5} {'sent':>6} {'failed':>6} {'pruned':>6}"
)


def _took(duration: timedelta | None) -> str:
    return "running" if duration is None else f"{duration.total_seconds():.2f}s"


class Command(BaseCommand):
    help = (
        "Are reminders flowing? The last dispatcher passes, what is due now, and what the "
        "send workers did in the last hour. With --check, only exits 1 when passes have "
        "stopped (as /healthz answers 503)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--passes", type=int, default=10, help="how many passes to list")
        parser.add_argument(
            "--check", action="store_true", help="print nothing but trouble; exit 1 on trouble"
        )

    def handle(self, *args, passes: int, check: bool, **options):
        now = timezone.now()
        trouble = dispatcher_trouble(now=now)
        if check:
            if trouble:
                raise CommandError(trouble)
            return
        self.stdout.write(f"Dispatcher: {trouble or 'passes finish on time'}")
        self.stdout.write("\nLast passes (sent, failed, pruned: since the pass before):")
        self.stdout.write(HEADER)
        for record in dispatch_passes_latest(count=passes):
            as_of = (
                ""
                if abs(record.as_of - record.started_at) < timedelta(minutes=1)
                else (f"  as of {record.as_of:%Y-%m-%d %H:%M}")
            )
            self.stdout.write(
                f"{record.started_at:%Y-%m-%d %H:%M:%S}  {_took(record.duration):>7} "
                f"{record.claimed:>6} {record.queued:>6} {record.missed:>6} {record.skipped:>7} "
                f"{record.requeued:>5} {record.sent:>6} {record.failed:>6} {record.pruned:>6}"
                f"{as_of}"
            )
        hour = dispatch_passes_since(since=now - timedelta(hours=1))
        self.stdout.write("")
        self.stdout.write(f"Due now, not yet taken by a pass: {reminders_due_now(now=now)}")
        self.stdout.write(f"Deliveries pending (being sent or waiting for a retry): "
                          f"{deliveries_pending()}")  # fmt: skip
        self.stdout.write(
            f"Last hour: {hour['sent']} sent, {hour['failed']} failed, "
            f"{hour['pruned']} devices pruned"
        )
