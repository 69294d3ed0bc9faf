from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "backend.treatments"
    label = "treatments"
    verbose_name = "Treatments"
