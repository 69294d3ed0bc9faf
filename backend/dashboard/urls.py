from django.urls import path

from backend.dashboard import views

urlpatterns = [
    path("care/patients/", views.patients, name="patients"),
]
