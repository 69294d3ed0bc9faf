"""The plan check: a plan's sessions and minutes against the guideline. No Django import.

Guidance from the clinical material: 1–2 massage sessions a week with daily stretching; first
sessions 15–20 minutes; up to 60 minutes for full-body work; reassess after 4–6 weeks. The one
published figure it cites is an estimate, never a promise. Findings are codes; the words for
them live with the pages and the API, in the person's language.
"""

from dataclasses import dataclass
from math import ceil

FIRST_SESSION = (15, 20)
SHORTEST, LONGEST = 5, 60
REASSESS_WEEKS = (4, 6)
# One study (2023): Modified Ashworth scores 15–20% lower after six weekly sessions of
# myofascial release in people with post-stroke spasticity.
STUDY_SESSIONS = 6
STUDY_MAS_LOWER_PERCENT = (15, 20)


@dataclass(frozen=True)
class PlanCheck:
    frequency: str  # "none", "ok" or "too_many"
    minutes: str  # "ok", "first_too_long", "too_long" or "too_short"
    weeks_to_study_dose: int | None  # weeks to six sessions, for myofascial release only

    @property
    def in_line(self) -> bool:
        return self.frequency == "ok" and self.minutes == "ok"


def plan_check(
    *, sessions_per_week: int, minutes: int, first_plan: bool, technique: str = ""
) -> PlanCheck:
    if sessions_per_week == 0:
        frequency = "none"
    elif sessions_per_week > 2:
        frequency = "too_many"
    else:
        frequency = "ok"
    if minutes < SHORTEST:
        length = "too_short"
    elif minutes > LONGEST:
        length = "too_long"
    elif first_plan and minutes > FIRST_SESSION[1]:
        length = "first_too_long"
    else:
        length = "ok"
    weeks = None
    if technique == "myofascial_release" and sessions_per_week:
        weeks = ceil(STUDY_SESSIONS / sessions_per_week)
    return PlanCheck(frequency=frequency, minutes=length, weeks_to_study_dose=weeks)
