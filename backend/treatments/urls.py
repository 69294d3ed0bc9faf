from django.urls import path

from backend.treatments import views

urlpatterns = [
    path("", views.treatments_page, name="treatments"),
    path("<int:event_id>/delete/", views.treatment_remove, name="treatment-delete"),
]
