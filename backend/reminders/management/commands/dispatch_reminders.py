from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backend.reminders.tasks import dispatch_pass


def _instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(
            f"--at takes an ISO 8601 instant such as 2027-03-14T10:00:00Z: {value!r}"
        ) from exc
    if instant.tzinfo is None:
        raise CommandError("--at needs a time zone, e.g. a trailing Z for UTC")
    return instant


class Command(BaseCommand):
    help = "Run one reminder dispatcher pass, as if now were --at (default: now)."

    def add_arguments(self, parser):
        parser.add_argument("--at", type=_instant, help="e.g. 2027-03-14T10:00:00Z")

    def handle(self, *args, at: datetime | None, **options):
        now = at or timezone.now()
        result = dispatch_pass(now=now)
        self.stdout.write(
            f"{now.isoformat()}: {len(result.queued)} queued, {result.missed} missed, "
            f"{result.skipped} skipped, {len(result.snoozes)} snoozes, {len(result.nudges)} nudges, "
            f"{len(result.requeued)} deliveries queued again, "
            f"{len(result.resent)} reminders queued again"
        )
