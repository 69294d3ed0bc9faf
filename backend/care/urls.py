from django.urls import path

from backend.care import views

urlpatterns = [
    path("", views.care_page, name="care"),
    path("switch/<int:person_id>/", views.switch, name="care-switch"),
    path("invite/", views.invite, name="care-invite"),
    path("join/", views.join, name="care-join"),
    path("therapists/<int:therapist_id>/revoke/", views.revoke, name="care-revoke"),
    path("patients/", views.patients, name="patients"),
]
