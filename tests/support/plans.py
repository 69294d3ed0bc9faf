"""Plans as the API and the pages take them, for every test that needs one."""

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


# The massage and stretch pages' forms: one session, one stretch.
MASSAGE_FORM = {
    "first_day": "1",
    "first_time": "18:30",
    "duration_minutes": "15",
    "technique": "swedish",
    "given_by": "caregiver",
}
STRETCH_FORM = {
    "time_1": "08:00",
    "stretch-TOTAL_FORMS": "1",
    "stretch-INITIAL_FORMS": "0",
    "stretch-MIN_NUM_FORMS": "1",
    "stretch-MAX_NUM_FORMS": "20",
    "stretch-0-name": "Calf stretch",
    "stretch-0-target_muscle": "gastrocnemius",
    "stretch-0-side": "both",
    "stretch-0-hold_seconds": "30",
    "stretch-0-repetitions": "3",
}
