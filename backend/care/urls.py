from django.urls import path

from backend.care import views

urlpatterns = [
    path("", views.care_page, name="care"),
    path("switch/<int:person_id>/", views.switch, name="care-switch"),
]
