from django.urls import path

from backend.care import views

urlpatterns = [
    path("", views.care_page, name="care"),
    path("switch/<int:person_id>/", views.switch, name="care-switch"),
    path("invite/", views.invite, name="care-invite"),
    path("join/", views.join, name="care-join"),
    path(
        "invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel_page,
        name="care-invitation-cancel",
    ),
    path("therapists/<int:therapist_id>/revoke/", views.revoke, name="care-revoke"),
    path(
        "caregivers/<int:caregiver_id>/remove/",
        views.caregiver_remove_page,
        name="care-caregiver-remove",
    ),
    path(
        "support-people/<int:supporter_id>/remove/",
        views.support_person_remove_page,
        name="care-support-remove",
    ),
    path("leave/", views.leave, name="care-leave"),
    path("profile/", views.profile, name="care-profile"),
    path("profile/delete/", views.profile_delete, name="care-profile-delete"),
    path("access-log/", views.access_log_page, name="care-access-log"),
]
