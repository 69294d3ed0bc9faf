from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "backend.reminders"
    label = "reminders"
    verbose_name = "Reminders"
