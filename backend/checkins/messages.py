"""Words for the plan check and the reassessment card, in the person's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.checkins.plan_check import (
    FIRST_SESSION,
    LONGEST,
    REASSESS_WEEKS,
    SHORTEST,
    STUDY_MAS_LOWER_PERCENT,
    STUDY_SESSIONS,
    PlanCheck,
)

ESTIMATE_LABEL = gettext_lazy("estimate from published figures, not a prediction")


def plan_check_guidance(check: PlanCheck, *, minutes: int) -> list[str]:
    frequency = {
        "none": _(
            "Without massage sessions the plan rests on stretches alone. One or two sessions a "
            "week, with daily stretches, work best."
        ),
        "too_many": _(
            "More than two sessions a week adds little and can overstimulate the muscles. One "
            "or two a week, with daily stretches, work best."
        ),
        "ok": _("One or two sessions a week, with daily stretches: in line with the guideline."),
    }[check.frequency]
    length = {
        "ok": _("%(minutes)d minutes a session is within the guideline.") % {"minutes": minutes},
        "first_too_long": _(
            "First sessions work best at %(low)d–%(high)d minutes, to see how the muscles respond."
        )
        % {"low": FIRST_SESSION[0], "high": FIRST_SESSION[1]},
        "too_long": _("Even full-body work rarely goes past %(max)d minutes.") % {"max": LONGEST},
        "too_short": _("A session needs at least %(min)d minutes to do much.") % {"min": SHORTEST},
    }[check.minutes]
    reassess = _("Look at the trend with your therapist after %(low)d–%(high)d weeks.") % {
        "low": REASSESS_WEEKS[0],
        "high": REASSESS_WEEKS[1],
    }
    return [frequency, length, reassess]


def plan_check_estimate(check: PlanCheck) -> str | None:
    if check.weeks_to_study_dose is None:
        return None
    low, high = STUDY_MAS_LOWER_PERCENT
    return _(
        "One study (2023) found muscle tone scores %(low)d–%(high)d%% lower after %(sessions)d "
        "weekly sessions of myofascial release after a stroke. At your pace that is about "
        "%(weeks)d weeks. This is an estimate from published figures, not a prediction: "
        "talk with your clinician about what to expect."
    ) % {"low": low, "high": high, "sessions": STUDY_SESSIONS, "weeks": check.weeks_to_study_dose}
