import pytest

from backend.plans.models import Schedule, Stretch, StretchRoutine
from tests.support.plans import stretch_routine

URL = "/api/v1/plans/stretches/"


@pytest.mark.django_db
def test_a_person_plans_daily_stretches_at_two_times(api_as, person):
    response = api_as.put(URL, stretch_routine(), format="json")

    assert response.status_code == 200
    body = response.json()
    assert [t["time"] for t in body["times"]] == ["08:00", "20:00"]
    assert all(t["weekday"] is None for t in body["times"])
    assert [s["name"] for s in body["stretches"]] == ["Calf stretch", "Hamstring stretch"]
    assert Schedule.objects.filter(person=person, kind="stretch").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"times": []}, "times"),
        ({"times": ["08:00", "08:00"]}, "times"),
        ({"times": ["24:30"]}, "times"),
        ({"stretches": []}, "stretches"),
        (
            {
                "stretches": [
                    {
                        "name": "Calf",
                        "target_muscle": "calf",
                        "side": "both",
                        "hold_seconds": -30,
                        "repetitions": 3,
                    }
                ]
            },
            "stretches",
        ),
        (
            {
                "stretches": [
                    {
                        "name": "Calf",
                        "target_muscle": "calf",
                        "side": "middle",
                        "hold_seconds": 30,
                        "repetitions": 3,
                    }
                ]
            },
            "stretches",
        ),
    ],
)
def test_a_bad_routine_gets_a_400_naming_the_field_and_nothing_is_saved(api_as, change, field):
    response = api_as.put(URL, stretch_routine(**change), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not StretchRoutine.objects.exists()
    assert not Stretch.objects.exists()


@pytest.mark.django_db
def test_a_negative_hold_is_named_down_to_the_stretch(api_as):
    routine = stretch_routine()
    routine["stretches"][1]["hold_seconds"] = -5

    errors = api_as.put(URL, routine, format="json").json()

    assert errors == {
        "stretches": {"1": {"hold_seconds": ["Ensure this value is greater than or equal to 5."]}}
    }
