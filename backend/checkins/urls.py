from django.urls import path

from backend.checkins import views

urlpatterns = [
    path("new/", views.checkin_new, name="checkin-new"),
    path("<int:checkin_id>/", views.checkin_saved, name="checkin-saved"),
    path("<int:checkin_id>/notes/", views.note_new, name="checkin-note-new"),
    path("trend/", views.trend_page, name="checkins-trend"),
    path("summary/", views.summary_page, name="checkins-summary"),
    path("summary/cycles/", views.cycles_report_page, name="checkins-cycles"),
    path("alerts/<int:flag_id>/", views.alert_page, name="checkins-alert"),
    path(
        "overstimulation/dismiss/",
        views.overstimulation_dismiss_page,
        name="overstimulation-dismiss",
    ),
    path(
        "messages/<str:kind>/<int:message_id>/read/",
        views.therapist_message_read,
        name="therapist-message-read",
    ),
    path("import/", views.import_page, name="checkins-import"),
    path("import/<int:import_id>/", views.import_status_page, name="checkins-import-status"),
    path("goals/<int:goal_id>/rating/", views.goal_rating_new, name="goal-rating-new"),
    path("baseline/reset/", views.baseline_reset_page, name="baseline-reset"),
]
