"""The API under load: check-in create and trend read, 50 people at once for 30 seconds,
against gunicorn and PostgreSQL with production settings.

Half of the people have two years of daily check-ins, half have ten days, so the trend read
is measured for both side by side. Each person acts about once a second (Locust users waiting
0.2–1 s between requests, as bench/load.py). Prints requests per second and p50/p95/p99
latency for each kind of request, then the queries each request makes (counted in-process on
the same code) for both amounts of history.

    .venv/bin/python bench/api.py [--users 50] [--seconds 30]
"""

import argparse
import json
import os
import secrets
import sys
import uuid
from datetime import timedelta

from harness import ROOT, bench_world, server
from load import locust

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tonus_api"
HISTORIES = {"2 years": 730, "10 days": 10}
TARGETS_MS = {"POST /api/v1/checkins/": 50, "GET /api/v1/trends/": 100}


def seed(count: int) -> list[dict]:
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from backend.accounts.models import User
    from backend.checkins.models import CheckIn
    from backend.checkins.services import checkin_create

    now = timezone.now()
    people = []
    for number in range(count):
        history, days = list(HISTORIES.items())[number % len(HISTORIES)]
        person = User.objects.create_user(
            email=f"person{number}@example.com",
            password=secrets.token_urlsafe(16),
            time_zone="Europe/Madrid",
        )
        # The first through the service (it becomes the baseline), the rest in one insert.
        checkin_create(
            person=person, idempotency_key=uuid.uuid4(), recorded_at=now - timedelta(days=days),
            tone=3, pain=7, ease=4,
        )  # fmt: skip
        CheckIn.objects.bulk_create(
            CheckIn(
                person=person, idempotency_key=uuid.uuid4(),
                recorded_at=now - timedelta(days=day), tone=1 + day % 3, pain=day % 8,
                ease=5, minutes=15,
            )
            for day in range(days - 1, 0, -1)
        )  # fmt: skip
        client = Client()
        client.force_login(person)
        people.append({"sessionid": client.cookies["sessionid"].value, "history": history})
    return people


def queries_per_request() -> dict[str, int]:
    """The queries each kind of request makes, for a person with each amount of history."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from backend.accounts.models import User

    counts = {}
    for number, history in enumerate(HISTORIES):
        client = Client(secure=True, HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=f"person{number}@example.com"))
        body = {"idempotency_key": str(uuid.uuid4()), "tone": "1+", "pain": 3, "ease": 6}
        with CaptureQueriesContext(connection) as create:
            assert client.post("/api/v1/checkins/", body, "application/json").status_code == 201
        with CaptureQueriesContext(connection) as trend:
            assert client.get("/api/v1/trends/").status_code == 200
        counts[f"POST /api/v1/checkins/ ({history})"] = len(create)
        counts[f"GET /api/v1/trends/ ({history})"] = len(trend)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    with bench_world(database_url) as (env, work):
        print(f"Seeding {args.users} people...", flush=True)
        people = seed(args.users)
        (work / "people.json").write_text(json.dumps(people))
        env |= {
            "TONUS_LOAD_PEOPLE": str(work / "people.json"),
            "TONUS_LOAD_RESULTS": str(work / "sent.json"),
        }
        from django.db import connections

        connections.close_all()
        with server(env, work / "gunicorn.log", workers=4) as base_url:
            print(f"{args.users} people for {args.seconds} s against {base_url}...", flush=True)
            stats = locust(base_url, args.users, args.seconds, env, work)
        queries = queries_per_request()

    print(f"\nAPI: {args.users} people at once, {args.seconds} s, gunicorn with 4 workers")
    print(f"{'request':34} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    ok = True
    for name, row in stats.items():
        if name == "/checkins/new/":
            continue  # each user's first page, for its CSRF cookie
        print(
            f"{name:34} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
        ok &= int(row["Failure Count"]) == 0
        target = next((ms for prefix, ms in TARGETS_MS.items() if name.startswith(prefix)), None)
        if target is not None:
            met = float(row["95%"]) <= target
            print(f"  p95 target ≤ {target} ms: {'met' if met else 'NOT MET'}")
    print("(latencies in ms)")
    print("Queries per request:")
    for name, count in queries.items():
        print(f"  {name:40} {count}")
    for prefix in TARGETS_MS:
        counts = {count for name, count in queries.items() if name.startswith(prefix)}
        if len(counts) != 1:
            print(f"  {prefix}: the number of queries grows with the history")
            ok = False
    # Latency depends on the machine; failed requests and queries that grow never may.
    print("PASS: no failed request, queries constant" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
