from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "backend.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from backend.reminders import checks  # noqa: F401  (registers the system checks)
