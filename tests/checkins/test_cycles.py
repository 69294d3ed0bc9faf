from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backend.checkins.cycles import Point, injection_cycles

INJECTED = date(2027, 1, 4)
TONE = {"0": 0, "1": 1, "1+": 2, "2": 3, "3": 4, "4": 5}


def at(days: int, tone: str = "2", pain: int = 5) -> Point:
    return Point(on=INJECTED + timedelta(days=days), tone=TONE[tone], pain=pain)


def test_each_window_has_the_median_tone_and_pain_and_its_count():
    points = [
        at(-1, "3", 9),  # before the injection: no part of its cycle
        at(3, "3", 8),
        at(10, "2", 6),
        at(20, "1+", 4),
        at(30, "1", 3),
        at(40, "1+", 2),
        at(60, "2", 5),
        at(84, "3", 9),  # day 84: the cycle is over
    ]

    [cycle] = injection_cycles(points, [INJECTED])

    first, middle, last = cycle.windows
    assert (first.count, first.tone, first.pain) == (2, TONE["3"], 7)
    assert (middle.count, middle.tone, middle.pain) == (3, TONE["1+"], 3)
    assert (last.count, last.tone, last.pain) == (1, TONE["2"], 5)
    assert cycle.ends_on == INJECTED + timedelta(days=84)


def test_a_cycle_ends_early_at_the_next_injection():
    again = INJECTED + timedelta(days=50)
    points = [at(20, "1", 2), at(49, "1", 2), at(50, "3", 8), at(60, "3", 8)]

    first, second = injection_cycles(points, [again, INJECTED])

    assert first.injected_on == INJECTED and first.ends_on == again
    assert [w.count for w in first.windows] == [0, 2, 0]
    assert first.windows[0].tone is None and first.windows[0].pain is None
    assert [w.count for w in second.windows] == [2, 0, 0]
    assert second.windows[0].pain == 8


@given(
    st.lists(st.tuples(st.integers(-30, 400), st.integers(0, 5), st.integers(0, 10)), max_size=60),
    st.lists(st.integers(0, 365), min_size=1, max_size=6),
)
def test_every_check_in_counts_in_at_most_one_window_of_one_cycle(raw_points, offsets):
    points = [Point(INJECTED + timedelta(days=d), t, p) for d, t, p in raw_points]
    injections = [INJECTED + timedelta(days=d) for d in offsets]

    cycles = injection_cycles(points, injections)

    assert [c.injected_on for c in cycles] == sorted(set(injections))
    for cycle in cycles:
        assert cycle.ends_on - cycle.injected_on <= timedelta(days=84)
        for window in cycle.windows:
            assert (window.count == 0) == (window.tone is None) == (window.pain is None)
    covered = [p for p in points if any(c.injected_on <= p.on < c.ends_on for c in cycles)]
    assert sum(c.count for c in cycles) == len(covered)
