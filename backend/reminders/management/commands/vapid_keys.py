from django.conf import settings
from django.core.management.base import BaseCommand

from backend.reminders.vapid import vapid_keys_generate, vapid_keys_read, vapid_keys_write


class Command(BaseCommand):
    help = "Create the VAPID key pair for Web Push under var/ (kept out of git), once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace existing keys (every device must subscribe again).",
        )

    def handle(self, *args, force: bool, **options):
        path = settings.VAR_DIR / "vapid.json"
        existing = vapid_keys_read(path)
        if existing and not force:
            self.stdout.write(f"VAPID keys already in {path}; public key {existing.public_key}")
            return
        keys = vapid_keys_generate()
        vapid_keys_write(path, keys)
        self.stdout.write(
            self.style.SUCCESS(f"VAPID keys written to {path}; public key {keys.public_key}")
        )
