import pytest

from backend.plans.services import safety_screen_record

NO = dict.fromkeys(
    [
        "acute_inflammation",
        "open_wounds",
        "deep_vein_thrombosis",
        "recent_fracture_or_surgery",
        "severe_osteoporosis",
    ],
    False,
)


@pytest.fixture
def screened(person):
    safety_screen_record(person=person, **NO)
    return person


def massage_plan(**changes):
    return {
        "sessions": [
            {"weekday": "tuesday", "time": "18:30"},
            {"weekday": "saturday", "time": "10:00"},
        ],
        "duration_minutes": 15,
        "technique": "myofascial_release",
        "target_muscles": ["gastrocnemius", "hamstrings"],
        "given_by": "caregiver",
    } | changes


def stretch_routine(**changes):
    return {
        "times": ["08:00", "20:00"],
        "stretches": [
            {
                "name": "Calf stretch",
                "target_muscle": "gastrocnemius",
                "side": "both",
                "hold_seconds": 30,
                "repetitions": 3,
            },
            {
                "name": "Hamstring stretch",
                "target_muscle": "hamstrings",
                "side": "left",
                "hold_seconds": 30,
                "repetitions": 2,
            },
        ],
    } | changes
