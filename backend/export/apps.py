from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "backend.export"
    label = "export"
    verbose_name = "Data export"
