from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.accounts import api as accounts_api
from backend.care import api as care_api
from backend.checkins import api as checkins_api
from backend.checkins.selectors import reassessment_window_start
from backend.config.health import healthz
from backend.export import api as export_api
from backend.goals import api as goals_api
from backend.plans import api as plans_api
from backend.reminders import api as reminders_api
from backend.reminders import views as reminders_views
from backend.treatments import api as treatments_api

api_v1 = [
    path("accounts/signup/", accounts_api.SignUpApi.as_view(), name="api-signup"),
    path(
        "accounts/signup/confirm/",
        accounts_api.SignUpConfirmApi.as_view(),
        name="api-signup-confirm",
    ),
    path("accounts/me/", accounts_api.MeApi.as_view(), name="api-me"),
    path("accounts/delete/", accounts_api.AccountDeleteApi.as_view(), name="api-account-delete"),
    path("accounts/tokens/", accounts_api.ApiTokenApi.as_view(), name="api-tokens"),
    path(
        "accounts/tokens/<int:token_id>/",
        accounts_api.ApiTokenRevokeApi.as_view(),
        name="api-token",
    ),
    path("export/", export_api.ExportApi.as_view(), name="api-export"),
    path("export/fhir/", export_api.FhirExportApi.as_view(), name="api-export-fhir"),
    path("plans/massage/", plans_api.MassagePlanApi.as_view(), name="api-massage-plan"),
    path("plans/stretches/", plans_api.StretchRoutineApi.as_view(), name="api-stretch-routine"),
    path("plans/proposals/", plans_api.ProposalApi.as_view(), name="api-proposals"),
    path(
        "plans/proposals/<int:proposal_id>/read/",
        plans_api.ProposalReadApi.as_view(),
        name="api-proposal-read",
    ),
    path("notes/<int:note_id>/read/", checkins_api.NoteReadApi.as_view(), name="api-note-read"),
    path(
        "plans/proposals/<int:proposal_id>/decision/",
        plans_api.ProposalDecisionApi.as_view(),
        name="api-proposal-decision",
    ),
    path("safety-screen/", plans_api.SafetyScreenApi.as_view(), name="api-safety-screen"),
    path("devices/", reminders_api.DeviceApi.as_view(), name="api-devices"),
    path("devices/<int:device_id>/", reminders_api.DeviceDetailApi.as_view(), name="api-device"),
    path("reminders/upcoming/", reminders_api.UpcomingApi.as_view(), name="api-upcoming"),
    path("calendar/", reminders_api.CalendarFeedApi.as_view(), name="api-calendar"),
    path("care/people/", care_api.PeopleApi.as_view(), name="api-care-people"),
    path("care/dependents/", care_api.DependentApi.as_view(), name="api-care-dependents"),
    path(
        "care/dependents/<int:person_id>/",
        care_api.DependentDetailApi.as_view(),
        name="api-care-dependent",
    ),
    path("care/people/<int:person_id>/leave/", care_api.LeaveApi.as_view(), name="api-care-leave"),
    path("care/invitations/", care_api.InvitationApi.as_view(), name="api-care-invitations"),
    path(
        "care/invitations/<int:invitation_id>/",
        care_api.InvitationCancelApi.as_view(),
        name="api-care-invitation",
    ),
    path(
        "care/invitations/accept/",
        care_api.InvitationAcceptApi.as_view(),
        name="api-care-invitation-accept",
    ),
    path("care/therapists/", care_api.TherapistApi.as_view(), name="api-care-therapists"),
    path(
        "care/therapists/<int:therapist_id>/",
        care_api.TherapistRevokeApi.as_view(),
        name="api-care-therapist",
    ),
    path("care/circle/", care_api.CircleApi.as_view(), name="api-care-circle"),
    path(
        "care/caregivers/<int:caregiver_id>/",
        care_api.CaregiverRemoveApi.as_view(),
        name="api-care-caregiver",
    ),
    path(
        "care/support-people/<int:supporter_id>/",
        care_api.SupportPersonRemoveApi.as_view(),
        name="api-care-support-person",
    ),
    path("care/access-log/", care_api.AccessLogApi.as_view(), name="api-care-access-log"),
    path("checkins/", checkins_api.CheckInApi.as_view(), name="api-checkins"),
    path(
        "checkins/<int:checkin_id>/",
        checkins_api.CheckInDetailApi.as_view(),
        name="api-checkin",
    ),
    path(
        "checkins/<int:checkin_id>/history/",
        checkins_api.CheckInHistoryApi.as_view(),
        name="api-checkin-history",
    ),
    path(
        "checkins/<int:checkin_id>/notes/",
        checkins_api.CheckInNotesApi.as_view(),
        name="api-checkin-notes",
    ),
    path(
        "checkins/baseline/reset/",
        checkins_api.BaselineResetApi.as_view(),
        name="api-baseline-reset",
    ),
    path("checkins/export/", checkins_api.CheckInExportApi.as_view(), name="api-checkins-export"),
    path("checkins/import/", checkins_api.CheckInImportApi.as_view(), name="api-checkins-import"),
    path(
        "checkins/imports/<int:import_id>/",
        checkins_api.CheckInImportStatusApi.as_view(),
        name="api-checkins-import-status",
    ),
    path("trends/", checkins_api.TrendApi.as_view(), name="api-trends"),
    path("goals/", goals_api.GoalsApi.as_view(), name="api-goals"),
    path("goals/<int:goal_id>/", goals_api.GoalDetailApi.as_view(), name="api-goal"),
    path(
        "goals/<int:goal_id>/ratings/",
        goals_api.GoalRatingApi.as_view(window_start=reassessment_window_start),
        name="api-goal-ratings",
    ),
    path("treatments/", treatments_api.TreatmentsApi.as_view(), name="api-treatments"),
    path(
        "treatments/<int:event_id>/",
        treatments_api.TreatmentDetailApi.as_view(),
        name="api-treatment",
    ),
    path("alerts/", checkins_api.AlertApi.as_view(), name="api-alerts"),
    path(
        "alerts/<int:flag_id>/resolve/",
        checkins_api.AlertResolveApi.as_view(),
        name="api-alert-resolve",
    ),
    path("plan-check/", checkins_api.PlanCheckApi.as_view(), name="api-plan-check"),
    path("reminders/test/", reminders_api.ReminderTestApi.as_view(), name="api-test-reminder"),
    path(
        "reminders/action/", reminders_api.OccurrenceActionApi.as_view(), name="api-reminder-action"
    ),
    path(
        "occurrences/<int:occurrence_id>/done/",
        reminders_api.OccurrenceDoneApi.as_view(),
        name="api-occurrence-done",
    ),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("backend.web.urls")),
    path("accounts/", include("backend.accounts.urls")),
    path("plans/", include("backend.plans.urls")),
    path("care/", include("backend.care.urls")),
    path("", include("backend.dashboard.urls")),
    path("checkins/", include("backend.checkins.urls")),
    path("goals/", include("backend.goals.urls")),
    path("treatments/", include("backend.treatments.urls")),
    path("", include("backend.reminders.urls")),
    path("calendar/<str:token>.ics", reminders_views.calendar_feed, name="calendar-feed"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# A database error outside a view (say, while loading the session) answers 503, not 500.
handler500 = "backend.web.errors.server_error"
# Under /api/, Django's own 400, 403 and 404 answer in JSON like the rest of the API.
handler400 = "backend.shared.api.bad_request"
handler403 = "backend.shared.api.permission_denied"
handler404 = "backend.shared.api.page_not_found"
