from django.urls import path

from backend.plans import views

urlpatterns = [
    path("", views.plans_overview, name="plans"),
    path("start/", views.plan_start, name="plan-start"),
    path("massage/", views.massage_plan_edit, name="massage-plan"),
    path("stretches/", views.stretch_routine_edit, name="stretch-routine"),
    path("stretches/how/<slug:key>/", views.stretch_detail, name="stretch-detail"),
    path("proposals/", views.proposal_new, name="proposal-new"),
    path(
        "proposals/<int:proposal_id>/decision/",
        views.proposal_decision,
        name="proposal-decision",
    ),
    path("safety/", views.safety_screen, name="safety-screen"),
]
