from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "backend.checkins"
    label = "checkins"
    verbose_name = "Check-ins"

    def ready(self):
        from backend.checkins import receivers  # noqa: F401  (connects the signal receivers)
