"""The dispatcher pass as the number of schedules grows: 1,000 reminders due among 10,000
schedules, then among 1,000,000, on PostgreSQL. Each schedule has a reminder of yesterday in the
ledger, so the pass's look-ups run against history too.

For each size: the pass's time (median of several passes, the same 1,000 due each time) and its
number of queries, then the plan of every query of the pass: each must use an index (a
sequential scan of a big table would make the pass grow with it).

    .venv/bin/python bench/dispatch_scale.py [--sizes 10000,1000000] [--due 1000]
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from harness import ROOT, bench_world

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tonus_dispatch_scale"
ZONE = "UTC"  # wall times and instants read alike
PASSES = 5


def one_pass(due_ids: list[int], at: datetime):
    """Make the chosen schedules due at `at` with an empty ledger for the day, and run a pass
    as beat would. Returns (seconds, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.plans.models import Schedule
    from backend.reminders.models import Occurrence
    from backend.reminders.tasks import dispatch_pass

    day = at.date()
    Occurrence.objects.filter(schedule_id__in=due_ids, local_date=day).delete()
    Schedule.objects.filter(id__in=due_ids).update(next_day=day, next_due_at=at)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = dispatch_pass(now=at + timedelta(seconds=5))
        seconds = time.perf_counter() - start
    assert len(result.queued) == len(due_ids), (len(result.queued), len(due_ids))
    return seconds, list(queries)


def plans(queries: list[dict]) -> list[tuple[str, str]]:
    """EXPLAIN of each distinct query of a pass that reads a table (not the writes)."""
    from django.db import connection, transaction

    shown, seen = [], set()
    for query in queries:
        sql = query["sql"]
        shape = sql.split(" WHERE ")[0][:120]
        if not sql.startswith("SELECT") or shape in seen:
            continue
        seen.add(shape)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        shown.append((sql, plan))
    return shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--show-plans", action="store_true", help="print every query plan")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    sys.path.insert(0, str(ROOT))
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    # The pass queues its sends to a queue of its own that nobody reads, dropped afterwards.
    queue = f"tonus-dispatch-scale-{secrets.token_hex(4)}"
    rows = []
    ok = True
    with bench_world(database_url, collectstatic=False, CELERY_TASK_DEFAULT_QUEUE=queue):
        import django

        django.setup()
        from django.db import connection
        from seed import people_with_stretches

        from backend.config.celery import app
        from backend.plans.models import Schedule

        # Tomorrow for everyone; each run makes a fixed set of them due now.
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        at = now.time()
        later = now + timedelta(days=1)
        yesterday = (now - timedelta(days=1)).date()
        seeded = 0
        try:
            for size in sizes:
                print(f"Seeding up to {size:,} schedules...", flush=True)
                started = time.perf_counter()
                people_with_stretches(
                    size - seeded, zone=ZONE, at=at, next_due_at=later, first=seeded,
                    history_day=yesterday,
                )  # fmt: skip
                seeded = size
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
                print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
                due_ids = list(
                    Schedule.objects.order_by("?").values_list("id", flat=True)[: args.due]
                )
                runs = [one_pass(due_ids, now + timedelta(minutes=n)) for n in range(PASSES)]
                seconds = [run[0] for run in runs]
                counts = {len(run[1]) for run in runs}
                scans = []
                for sql, plan in plans(runs[-1][1]):
                    if args.show_plans:
                        print(f"\n{sql}\n{plan}")
                    scans += [line.strip() for line in plan.splitlines() if "Seq Scan" in line]
                Schedule.objects.filter(id__in=due_ids).update(next_due_at=later)
                rows.append((size, statistics.median(seconds), counts, scans))
        finally:
            with app.connection_for_write() as broker:
                broker.default_channel.queue_delete(queue)

    print()
    print(f"One dispatcher pass with {args.due:,} reminders due (median of {PASSES} passes):")
    print(f"{'schedules':>12}{'pass':>10}{'queries':>10}  sequential scans")
    for size, seconds, counts, scans in rows:
        print(f"{size:>12,}{seconds * 1000:>8.0f} ms{'/'.join(map(str, sorted(counts))):>10}  "
              f"{'; '.join(scans) or 'none'}")  # fmt: skip
    first, last = rows[0], rows[-1]
    ratio = last[1] / first[1]
    print(
        f"Time, {last[0]:,} ÷ {first[0]:,} schedules: {ratio:.2f}× "
        f"(target: the same within noise, {'met' if ratio < 1.5 else 'NOT MET'})"
    )
    claim = [s for s in last[3] if "plans_schedule" in s or "reminders_occurrence" in s]
    if len({c for row in rows for c in row[2]}) != 1:
        print("FAIL: the number of queries changed with the number of schedules")
        ok = False
    if claim:
        print("FAIL: a sequential scan of schedules or the ledger")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
