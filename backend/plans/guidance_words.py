"""The words for a plan's guidance findings, in the person's language: one place for them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backend.plans.coverage import LIKELY, POSSIBLE, SESSION, Week
from backend.plans.guidance import (
    FIRST_SESSION,
    LONGEST,
    REASSESS_WEEKS,
    SHORTEST,
    STUDY_MAS_LOWER_PERCENT,
    STUDY_SESSIONS,
    Guidance,
)
from backend.plans.models import WEEKDAYS

WEEKDAY_CODES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

ESTIMATE_LABEL = gettext_lazy("estimate from published figures, not a prediction")


# Each finding's words; filled in with the plan's numbers and the guideline's.
WORDS = {
    "no_sessions": gettext_lazy(
        "Without massage sessions the plan rests on stretches alone. One or two sessions a "
        "week, with daily stretches, work best."
    ),
    "too_many_sessions": gettext_lazy(
        "More than two sessions a week adds little and can overstimulate the muscles. One "
        "or two a week, with daily stretches, work best."
    ),
    "too_short": gettext_lazy("A session needs at least %(min)d minutes to do much."),
    "too_long": gettext_lazy(
        "More than %(max)d minutes a session is not advised: even full-body work rarely goes "
        "past %(max)d minutes."
    ),
    "first_weeks_too_long": gettext_lazy(
        "%(minutes)d minutes is long for the first two weeks: first sessions work best at "
        "%(low)d–%(high)d minutes, to see how the muscles respond. Longer sessions, up to "
        "%(max)d minutes, can come later."
    ),
    "first_weeks_minutes_ok": gettext_lazy(
        "%(minutes)d minutes: short, as sessions in the first two weeks should be, to see how "
        "the muscles respond."
    ),
    "minutes_ok": gettext_lazy(
        "%(minutes)d minutes a session: a usual length after the first weeks (up to %(max)d "
        "minutes)."
    ),
    "child_gentle": gettext_lazy(
        "For a child: gentle pressure, play-based, with a parent in the room."
    ),
    "in_line": gettext_lazy("This plan is in line with the guideline."),
    "study_estimate": gettext_lazy(
        "One study (2023) found muscle tone scores %(study_low)d–%(study_high)d%% lower after "
        "%(sessions)d weekly sessions of myofascial release after a stroke. At your pace that "
        "is about %(weeks)d weeks. This is an estimate from published figures, not a "
        "prediction: talk with your clinician about what to expect."
    ),
    "reassess": gettext_lazy(
        "Look at the trend with your therapist after %(reassess_low)d–%(reassess_high)d weeks."
    ),
}


def guidance_message(guidance: Guidance, code: str) -> str:
    if code == "sessions_ok":
        return ngettext(
            "%(count)d session a week: one or two a week, with daily stretches, work best.",
            "%(count)d sessions a week: one or two a week, with daily stretches, work best.",
            guidance.sessions_per_week,
        ) % {"count": guidance.sessions_per_week}
    return str(WORDS[code]) % {
        "minutes": guidance.minutes,
        "low": FIRST_SESSION[0],
        "high": FIRST_SESSION[1],
        "min": SHORTEST,
        "max": LONGEST,
        "study_low": STUDY_MAS_LOWER_PERCENT[0],
        "study_high": STUDY_MAS_LOWER_PERCENT[1],
        "sessions": STUDY_SESSIONS,
        "weeks": guidance.weeks_to_study_dose,
        "reassess_low": REASSESS_WEEKS[0],
        "reassess_high": REASSESS_WEEKS[1],
    }


def guidance_lines(guidance: Guidance) -> list[dict]:
    """Every finding as {code, message, warning}, for pages and API responses alike."""
    return [
        {
            "code": code,
            "message": guidance_message(guidance, code),
            "warning": code in guidance.warnings,
        }
        for code in guidance.codes
    ]


MASSAGE_COVER = {
    SESSION: gettext_lazy("massage day"),
    LIKELY: gettext_lazy("relief from massage likely"),
    POSSIBLE: gettext_lazy("relief from massage possible"),
}


def week_lines(week: Week) -> list[dict]:
    """Each day of the week in words, so the strip does not rest on colour."""
    lines = []
    for day in week.days:
        parts = [str(MASSAGE_COVER[day.massage])] if day.massage else []
        if day.stretches:
            parts.append(str(_("stretches")))
        lines.append(
            {
                "weekday": WEEKDAY_CODES[day.weekday],
                "name": str(WEEKDAYS[day.weekday][1]),
                "massage": day.massage,
                "stretches": day.stretches,
                "gap": day.gap,
                "text": ", ".join(parts) if parts else str(_("nothing planned reaches this day")),
            }
        )
    return lines


def week_advice(week: Week) -> str | None:
    if week.better_weekdays is None:
        return None
    first, second = (str(WEEKDAYS[day][1]) for day in week.better_weekdays)
    return _("Spacing the sessions, e.g. %(first)s and %(second)s, covers more of the week.") % {
        "first": first,
        "second": second,
    }
