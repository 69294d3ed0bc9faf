"""The overstimulation guard: asked in the quick check-in, and clearing once the person is
back at their usual level, or when they dismiss it with a reason."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.checkins.models import Flag
from backend.checkins.overstimulation import Level, Reading, back_to_usual, usual_level
from backend.checkins.services import checkin_create

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def check_in(person, day, *, tone=2, pain=3, worse_after=False):
    return checkin_create(
        person=person,
        idempotency_key=uuid.uuid4(),
        recorded_at=START + timedelta(days=day),
        tone=tone,
        pain=pain,
        ease=5,
        worse_after=worse_after,
    ).checkin


def usual_week(person):
    """Four check-ins at tone 1+ and pain 3: the person's usual level."""
    for day in range(4):
        check_in(person, day)


def overstimulation(person) -> Flag:
    return Flag.objects.get(person=person, kind=Flag.Kind.OVERSTIMULATION)


def card_shown(client) -> bool:
    return "Muscles may have been overstimulated" in client.get("/checkins/trend/").content.decode()


@pytest.mark.django_db
def test_two_check_ins_back_at_the_usual_level_clear_the_card_and_the_therapists_flag(
    client, person, with_therapist
):
    usual_week(person)
    check_in(person, 5, tone=3, pain=6, worse_after=True)
    client.force_login(person)
    assert card_shown(client)

    check_in(person, 6, tone=2, pain=3)
    check_in(person, 7, tone=1, pain=2)

    flag = overstimulation(person)
    assert flag.resolved_at is not None
    assert (flag.resolved_by, flag.resolution) == (None, "Two check-ins back at the usual level")
    assert not card_shown(client)
    assert client.get("/api/v1/trends/").json()["open_flags"] == []
    client.force_login(with_therapist)
    client.post(f"/care/switch/{person.id}/")
    page = client.get("/care/patients/").content.decode()
    history = re.search(r'id="resolved-alerts".*?</section>', page, re.S)[0]
    assert "Cleared by itself on" in history
    assert "Two check-ins back at the usual level" in history


@pytest.mark.django_db
def test_one_better_check_in_is_not_enough(client, person):
    usual_week(person)
    check_in(person, 5, tone=3, pain=6, worse_after=True)

    check_in(person, 6, tone=2, pain=3)

    assert overstimulation(person).resolved_at is None
    client.force_login(person)
    assert card_shown(client)


@pytest.mark.django_db
def test_a_worse_one_in_between_starts_the_count_again(person):
    usual_week(person)
    check_in(person, 5, tone=3, pain=6, worse_after=True)

    check_in(person, 6, tone=2, pain=3)
    check_in(person, 7, tone=2, pain=5)  # pain above the usual 3
    check_in(person, 8, tone=2, pain=3)
    assert overstimulation(person).resolved_at is None

    check_in(person, 9, tone=2, pain=2)
    assert overstimulation(person).resolved_at is not None


@pytest.mark.django_db
def test_with_few_check_ins_before_the_flag_the_baseline_is_the_usual_level(person):
    check_in(person, 0, tone=1, pain=2)  # the baseline
    check_in(person, 1, tone=3, pain=6, worse_after=True)

    check_in(person, 2, tone=2, pain=2)  # tone above the baseline's 1
    check_in(person, 3, tone=1, pain=2)
    assert overstimulation(person).resolved_at is None

    check_in(person, 4, tone=1, pain=1)
    assert overstimulation(person).resolved_at is not None


@pytest.mark.django_db
def test_the_person_dismisses_the_card_with_a_reason_the_therapist_sees(
    client, person, with_therapist
):
    usual_week(person)
    check_in(person, 5, tone=3, pain=6, worse_after=True)
    client.force_login(person)

    refused = client.post("/checkins/overstimulation/dismiss/", {"reason": " "})
    assert refused.status_code == 400
    assert 'id="id_reason_error"' in refused.content.decode()
    assert overstimulation(person).resolved_at is None

    done = client.post(
        "/checkins/overstimulation/dismiss/", {"reason": "A long walk, not the massage."}
    )

    assert done.status_code == 302
    assert not card_shown(client)
    flag = overstimulation(person)
    assert (flag.resolved_by, flag.resolution) == (person, "A long walk, not the massage.")
    client.force_login(with_therapist)
    [listed] = client.get("/api/v1/alerts/?resolved=true").json()
    assert (listed["kind"], listed["resolution"]) == (
        "overstimulation",
        "A long walk, not the massage.",
    )


@pytest.mark.django_db
def test_a_caregiver_dismisses_a_childs_card(client, person, child):
    for day in range(3):
        check_in(child, day)
    check_in(child, 4, worse_after=True)
    client.force_login(person)
    client.post(f"/care/switch/{child.id}/")

    assert (
        client.post("/checkins/overstimulation/dismiss/", {"reason": "Teething"}).status_code == 302
    )
    assert overstimulation(child).resolved_by == person


@pytest.mark.django_db
def test_the_quick_check_in_asks_worse_after_outside_more_details(client, person):
    client.force_login(person)
    page = client.get("/checkins/new/").content.decode()

    details = re.search(r'<details id="more-details".*?</details>', page, re.S)[0]
    assert 'name="worse_after"' in page and 'name="worse_after"' not in details

    saved = client.post(
        "/checkins/new/",
        {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": "3", "ease": "6"},
    )
    assert saved.status_code == 302  # saving without the extra tap still works
    assert not Flag.objects.exists()


readings = st.builds(
    Reading,
    tone=st.integers(min_value=0, max_value=5),
    pain=st.integers(min_value=0, max_value=10),
    worse_after=st.booleans(),
)


@given(st.lists(readings, max_size=10), readings)
def test_the_usual_level_is_the_fallback_until_there_are_three_before(before, fallback):
    usual = usual_level(before=before, fallback=fallback)

    if len(before) < 3:
        assert usual == Level(tone=fallback.tone, pain=fallback.pain)
    else:
        assert min(r.tone for r in before) <= usual.tone <= max(r.tone for r in before)
        assert min(r.pain for r in before) <= usual.pain <= max(r.pain for r in before)


@given(st.lists(readings, max_size=10), readings)
def test_it_never_clears_with_a_worse_latest_check_in(after, worse):
    usual = Level(tone=2, pain=3)
    worse = Reading(tone=max(worse.tone, 3), pain=worse.pain)

    assert not back_to_usual(usual=usual, after=[*after, worse])
