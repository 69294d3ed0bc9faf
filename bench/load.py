"""Load: people checking in and reading trends while the dispatcher sends their reminders.

50 signed-in people (Locust users, each with their own session) check in and read their trend
for 60 seconds against gunicorn and PostgreSQL with production settings, while dispatcher
passes run and a Celery worker sends every person's due reminder to a Web Push receiver on
127.0.0.1 that checks VAPID and decrypts each message. Afterwards the database is counted.

Passes when: no request failed, every check-in the app acknowledged is stored exactly once,
and every due reminder reached its device exactly once. Exits non-zero otherwise.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60]
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from datetime import time as clock
from datetime import timedelta

from harness import ROOT, bench_world, server

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tonus_load"


def seed(count: int, receiver) -> list[dict]:
    """People with a stretch reminder due now and a phone subscribed to the receiver."""
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from backend.accounts.models import User
    from backend.checkins.services import checkin_create
    from backend.plans.services import StretchInput, stretch_routine_save
    from backend.reminders.services import device_subscribe

    now = timezone.now()
    people = []
    for number in range(count):
        person = User.objects.create_user(
            email=f"person{number}@example.com",
            password=secrets.token_urlsafe(16),
            time_zone="Europe/Madrid",
        )
        # Planned a minute before a wall time that has just passed: due at the first pass.
        due = (now - timedelta(minutes=1)).astimezone(person.time_zone)
        stretch_routine_save(
            person=person,
            times=[clock(due.hour, due.minute)],
            stretches=[StretchInput("Calf stretch", "gastrocnemius", "both", 30, 3)],
            now=now - timedelta(minutes=3),
        )
        for day in range(14):  # two weeks of history for the trend to read
            checkin_create(
                person=person,
                idempotency_key=uuid.uuid4(),
                recorded_at=now - timedelta(days=day),
                tone=2,
                pain=5,
                ease=5,
            )
        phone = receiver.new_subscription().as_dict()
        device_subscribe(
            user=person,
            endpoint=phone["endpoint"],
            p256dh=phone["keys"]["p256dh"],
            auth=phone["keys"]["auth"],
        )
        client = Client()
        client.force_login(person)
        people.append({"sessionid": client.cookies["sessionid"].value})
    return people


def dispatcher(stop: threading.Event, passes: list[int]) -> None:
    """What beat does each minute, every few seconds here so the run sees several passes."""
    from django.db import connections
    from django.utils import timezone

    from backend.reminders.tasks import dispatch_pass

    while not stop.is_set():
        dispatch_pass(now=timezone.now())
        passes.append(1)
        stop.wait(5)
    connections.close_all()


def celery_worker(env: dict, log_path):
    return subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/celery"), "-A", "backend.config", "worker", "--concurrency=2",
         "--loglevel=WARNING", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"]],
        cwd=ROOT, env=os.environ | env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def locust(base_url: str, users: int, seconds: int, env: dict, work) -> dict:
    subprocess.run(  # noqa: S603
        [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/load_users.py"), "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "10",
         "-H", base_url, "--csv", str(work / "locust"), "--only-summary", "--loglevel", "ERROR"],
        cwd=ROOT, env=os.environ | env, check=False, stdout=subprocess.DEVNULL,
        stderr=(work / "locust.log").open("w"),
    )  # fmt: skip
    with (work / "locust_stats.csv").open() as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.support.push_receiver import PushReceiver

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    queue = f"tonus-load-{secrets.token_hex(4)}"
    extra = {
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # The receiver is plain http on loopback; real push services are https and public.
        "PUSH_ENDPOINT_REQUIRE_HTTPS": "False",
        "PUSH_ENDPOINT_ALLOW_PRIVATE": "True",
    }
    with bench_world(database_url, **extra) as (env, work):
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        with PushReceiver(settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"]) as receiver:
            print(f"Seeding {args.users} people...", flush=True)
            people = seed(args.users, receiver)
            (work / "people.json").write_text(json.dumps(people))
            env |= {
                "TONUS_LOAD_PEOPLE": str(work / "people.json"),
                "TONUS_LOAD_RESULTS": str(work / "sent.json"),
            }
            from backend.checkins.models import CheckIn

            before = CheckIn.objects.count()
            connections.close_all()
            worker = celery_worker(env, work / "worker.log")
            stop, passes = threading.Event(), []
            try:
                with server(env, work / "gunicorn.log", workers=4) as base_url:
                    print(
                        f"{args.users} people for {args.seconds} s against {base_url}, "
                        "dispatcher every 5 s...",
                        flush=True,
                    )
                    thread = threading.Thread(target=dispatcher, args=(stop, passes))
                    thread.start()
                    started = time.monotonic()
                    stats = locust(base_url, args.users, args.seconds, env, work)
                    elapsed = time.monotonic() - started
                    stop.set()
                    thread.join()
                    receiver.wait_for(args.users, timeout=60)
            finally:
                stop.set()
                worker.terminate()
                worker.wait(timeout=30)
            return report(args, stats, elapsed, work, before, receiver, len(passes))


def report(args, stats, elapsed, work, before, receiver, passes) -> int:
    from backend.checkins.models import CheckIn
    from backend.reminders.models import Occurrence

    sent = json.loads((work / "sent.json").read_text())
    acknowledged = {key for key, status in sent if status in (200, 201)}
    keys = [str(k) for k in CheckIn.objects.values_list("idempotency_key", flat=True)]
    stored = set(keys)
    lost = len(acknowledged - stored)
    # Rows beyond one per key sent (the seeded history aside): a check-in stored twice.
    duplicated = (len(keys) - before) - len({key for key, _status in sent} & stored)
    messages = receiver.messages
    per_device = {}
    for message in messages:
        per_device[message.endpoint] = per_device.get(message.endpoint, 0) + 1
    due = Occurrence.objects.count()
    reached = sum(1 for count in per_device.values() if count >= 1)
    pushes_duplicated = sum(count - 1 for count in per_device.values() if count > 1)

    total = stats["Aggregated"]
    print(f"\nLoad: {args.users} people, {elapsed:.0f} s, {passes} dispatcher passes")
    print(f"{'request':28} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, row in stats.items():
        print(
            f"{name:28} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    print("(latencies in ms)")
    print(
        f"check-ins: {len(sent)} sent, {len(acknowledged)} acknowledged, "
        f"{len(acknowledged & stored)} of those stored, {lost} lost, {duplicated} duplicated"
    )
    print(
        f"reminders: {due} due, {reached} of {args.users} devices reached, "
        f"{pushes_duplicated} duplicated"
    )
    failures = int(total["Failure Count"])
    passed = failures == 0 and lost == 0 and duplicated == 0 and reached == args.users
    passed &= pushes_duplicated == 0 and due == args.users
    print("PASS: no errors, nothing lost, nothing twice." if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
