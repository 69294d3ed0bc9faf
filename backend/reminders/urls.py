from django.urls import path

from backend.reminders import views

urlpatterns = [
    path("occurrences/<int:occurrence_id>/", views.occurrence_page, name="occurrence"),
    path("devices/", views.devices_page, name="devices"),
    path("devices/<int:device_id>/", views.device_change, name="device-change"),
    path("devices/calendar/", views.calendar_change, name="calendar-change"),
]
