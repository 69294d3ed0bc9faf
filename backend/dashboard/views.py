from django.shortcuts import render
from django.utils import timezone

from backend.care.access import access_log_record_many
from backend.checkins.selectors import alerts_for
from backend.dashboard.selectors import FLAG_LABELS, dashboard_rows
from backend.shared.access import Allow, allows


@allows(Allow.LOGIN)
def patients(request):
    """The therapist dashboard: people who granted access, those who need attention first."""
    rows = dashboard_rows(therapist=request.user, now=timezone.now())
    # The therapist's own page, so the access check logs no one; yet it shows each person's
    # adherence, last check-in and flags: a look at each of them.
    access_log_record_many(
        therapist=request.user, people=[row.person for row in rows], path=request.path_info
    )
    context = {
        "rows": rows,
        "flag_labels": FLAG_LABELS,
        # Newest first, on top: what came in since the therapist last looked.
        "alerts": alerts_for(therapist=request.user),
        "resolved_alerts": alerts_for(therapist=request.user, resolved=True, limit=20),
    }
    return render(request, "dashboard/patients.html", context)
