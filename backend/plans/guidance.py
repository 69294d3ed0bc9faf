"""Guidance for a massage plan: the one place its rules live. No Django import.

From the clinical notes: 1–2 sessions a week with daily stretches; first sessions short
(15–20 minutes) to gauge tolerance; later up to 60 minutes (full-body work); reassess after
4–6 weeks; for children, play-based and gentle with a parent in the room. The one published
figure it cites is an estimate, never a promise, and is given only for a plan in line with the
guideline.

"First weeks" are the two weeks from the day the person's massage plan was first saved
(editing the plan keeps that day; deleting it and making a new one starts them again). A plan
being made now is in its first weeks. Minutes above the first weeks' range are allowed (a
therapist may have a reason) and saved with a warning; more than 60 minutes is not accepted
by any form or API, and the plan check, asked about such numbers, says why.

Findings are codes; their words, in the person's language, are in guidance_words.
"""

from dataclasses import dataclass
from math import ceil

SESSIONS_PER_WEEK = (1, 2)
FIRST_WEEKS_DAYS = 14
FIRST_SESSION = (15, 20)
SHORTEST, LONGEST = 5, 60
REASSESS_WEEKS = (4, 6)
# One study (2023): Modified Ashworth scores 15–20% lower after six weekly sessions of
# myofascial release in people with post-stroke spasticity.
STUDY_SESSIONS = 6
STUDY_MAS_LOWER_PERCENT = (15, 20)
STUDY_TECHNIQUE = "myofascial_release"

# A dependent is treated as a child unless their birth year says they are an adult.
ADULT_AGE = 18

# Findings that say the plan is outside the guideline; the others inform.
WARNINGS = frozenset(
    {"no_sessions", "too_many_sessions", "too_short", "first_weeks_too_long", "too_long"}
)


@dataclass(frozen=True)
class Guidance:
    codes: tuple[str, ...]
    sessions_per_week: int
    minutes: int
    weeks_to_study_dose: int | None  # only when "study_estimate" is among the codes

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(code for code in self.codes if code in WARNINGS)

    @property
    def in_line(self) -> bool:
        return not self.warnings


def plan_guidance(
    *,
    sessions_per_week: int,
    minutes: int,
    first_weeks: bool,
    technique: str = "",
    child: bool = False,
) -> Guidance:
    if sessions_per_week == 0:
        frequency = "no_sessions"
    elif sessions_per_week > SESSIONS_PER_WEEK[1]:
        frequency = "too_many_sessions"
    else:
        frequency = "sessions_ok"
    if minutes < SHORTEST:
        length = "too_short"
    elif minutes > LONGEST:
        length = "too_long"
    elif first_weeks and minutes > FIRST_SESSION[1]:
        length = "first_weeks_too_long"
    elif first_weeks:
        length = "first_weeks_minutes_ok"
    else:
        length = "minutes_ok"
    codes = [frequency, length]
    if child:
        codes.append("child_gentle")
    in_line = not WARNINGS.intersection(codes)
    weeks = None
    if in_line:
        codes.append("in_line")
        # The study's people were adults after a stroke: a child's plan is not compared.
        if technique == STUDY_TECHNIQUE and not child:
            weeks = ceil(STUDY_SESSIONS / sessions_per_week)
            codes.append("study_estimate")
    codes.append("reassess")
    return Guidance(
        codes=tuple(codes),
        sessions_per_week=sessions_per_week,
        minutes=minutes,
        weeks_to_study_dose=weeks,
    )


def is_child(*, is_dependent: bool, birth_year: int | None, this_year: int) -> bool:
    if not is_dependent:
        return False
    return birth_year is None or this_year - birth_year < ADULT_AGE


# Children's plans start shorter and gentler than adults' (the notes: gentle, play-based).
CHILD_MINUTES = (10, 15)
CHILD_TECHNIQUE = "swedish"  # light effleurage and kneading: the gentlest technique offered
ADULT_TECHNIQUE = "stretch_massage"


@dataclass(frozen=True)
class PlanDefaults:
    minutes: int
    minute_choices: tuple[int, ...]
    technique: str


def plan_defaults(*, child: bool) -> PlanDefaults:
    """What a new plan starts from: short first sessions; for a child shorter and gentler."""
    low, high = CHILD_MINUTES if child else FIRST_SESSION
    return PlanDefaults(
        minutes=low,
        minute_choices=(low, high),
        technique=CHILD_TECHNIQUE if child else ADULT_TECHNIQUE,
    )
