from django.urls import path

from backend.plans import views

urlpatterns = [
    path("", views.plans_overview, name="plans"),
    path("massage/", views.massage_plan_edit, name="massage-plan"),
    path("stretches/", views.stretch_routine_edit, name="stretch-routine"),
    path("safety/", views.safety_screen, name="safety-screen"),
]
