from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "backend.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        from backend.plans import receivers  # noqa: F401  (connects the signal receivers)
