"""Running totals of what the send workers did, for operators.

Kept in the shared cache (Redis), not in the database: an INCR per written batch adds nothing
to the busy minute's ledger writes. Each dispatcher pass reads the totals and records what
changed since the pass before (backend.reminders.dispatch); a Redis restart starts them again
from zero and costs only these statistics.
"""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

SENT, FAILED, PRUNED = "sent", "failed", "pruned"
OUTCOMES = (SENT, FAILED, PRUNED)


def _key(outcome: str) -> str:
    return f"reminders-tally:{outcome}"


def tally_add(*, outcome: str, count: int) -> None:
    """Add to a running total. Never fails a send: a cache out of reach costs the statistic,
    not the reminder."""
    if count <= 0:
        return
    try:
        cache.add(_key(outcome), 0, timeout=None)
        cache.incr(_key(outcome), count)
    except (RedisError, ValueError):  # ValueError: the key went between add and incr
        logger.warning("could not count %d %s deliveries", count, outcome)


def tallies_read() -> dict[str, int] | None:
    """The running totals, or None when the cache is out of reach."""
    try:
        found = cache.get_many([_key(outcome) for outcome in OUTCOMES])
    except RedisError:
        logger.warning("could not read the delivery tallies")
        return None
    return {outcome: int(found.get(_key(outcome), 0)) for outcome in OUTCOMES}


def tallies_since(*, before: dict[str, int] | None, now: dict[str, int]) -> dict[str, int]:
    """What was added between two readings. A total lower than before means Redis restarted
    in between: everything counted since then is new. With no reading before (the first pass
    ever), nothing is known to be new."""
    if not before:
        return dict.fromkeys(OUTCOMES, 0)
    return {
        outcome: now[outcome] - before.get(outcome, 0)
        if now[outcome] >= before.get(outcome, 0)
        else now[outcome]
        for outcome in OUTCOMES
    }
