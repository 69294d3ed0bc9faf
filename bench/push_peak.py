"""Reminders at peak: N people whose reminders all fall due in the same minute.

Side by side, in one run, on the same machine and the same people, with every phone pointing at
a push service on 127.0.0.1 (bench/push_sink.py: answers 201, notes when each message came, and
keeps a sample that is checked afterwards: VAPID signature and decryption with the phone's key):

- naive: django-webpush's own `send_notification_to_user`, one person after another (a new
  VAPID signature and a new connection for every message);
- crypto limit: only the encryption (RFC 8291) and a VAPID signature (RFC 8292) of the same
  messages, no network and no database, in one process and in one per core;
- Tonus: the dispatcher's pass at the due instant, then Celery workers sending, end to end
  until the push service has counted N; with one worker process, then one per core.

Prints messages per second, the ratios, each message's lateness (arrival at the push service
minus the due instant) at p50, p99 and max, and lost and duplicated messages.

    .venv/bin/python bench/push_peak.py [--people 10000 | --large] [--naive 2000]
"""

import argparse
import base64
import json
import multiprocessing
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import PYTHON, ROOT, bench_world, free_port

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tonus_push_peak"
ZONE = "Europe/Madrid"
KEY_POOL = 64  # phones share a few key pairs: making 100,000 would only slow the set-up


def keys(count: int):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pairs = []
    for _ in range(count):
        private = ec.generate_private_key(ec.SECP256R1())
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        pairs.append((private, public, secrets.token_bytes(16)))
    return pairs


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Sink:
    """The push service, in a process of its own so that it never shares the sender's lock."""

    def __init__(self, sample_every: int) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603
            [str(PYTHON), str(ROOT / "bench/push_sink.py"), str(self.port), str(sample_every)]
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.count()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _call(self, path: str, method: str = "GET") -> dict:
        request = urllib.request.Request(self.origin + path, method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.load(response)

    def count(self) -> int:
        return self._call("/_count")["count"]

    def results(self) -> dict:
        return self._call("/_results")

    def reset(self) -> None:
        self._call("/_reset", "POST")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def check_samples(samples: list[dict], pairs, audience: str, public_key: str) -> list[dict]:
    """Every sampled message: VAPID checked, decrypted with its phone's key. Returns payloads."""
    from tests.support.push_receiver import b64url_decode, check_vapid, decrypt

    payloads = []
    for sample in samples:
        number = int(sample["token"][1:])
        private, _public, auth = pairs[number % len(pairs)]
        check_vapid(
            sample["headers"]["Authorization"],
            public_key_raw=b64url_decode(public_key),
            audience=audience,
        )
        body = base64.b64decode(sample["body"])
        payloads.append(json.loads(decrypt(body, private_key=private, auth_secret=auth)))
    return payloads


def lateness(arrivals: list, due: float) -> dict:
    late = sorted(at - due for _token, at in arrivals)
    if not late:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "p50": late[len(late) // 2],
        "p99": late[min(len(late) - 1, int(len(late) * 0.99))],
        "max": late[-1],
    }


def run_naive(people: list, sink: Sink, payload: str) -> float:
    from webpush.utils import send_notification_to_user

    sink.reset()
    start = time.perf_counter()
    for person in people:
        send_notification_to_user(person, payload, ttl=14400)
    elapsed = time.perf_counter() - start
    assert sink.count() == len(people), "the naive loop lost messages"
    return len(people) / elapsed


def _crypto_work(args) -> float:
    """Encrypt and sign `count` messages; returns the seconds it took (in this process)."""
    count, payloads, subscriptions, private_key, subject, audience = args
    from py_vapid import Vapid
    from pywebpush import WebPusher

    vapid = Vapid.from_string(private_key=private_key)
    start = time.perf_counter()
    for index in range(count):
        data = payloads[index % len(payloads)]
        WebPusher(subscriptions[index % len(subscriptions)]).encode(data.encode())
        vapid.sign({"sub": subject, "aud": audience, "exp": int(time.time()) + 43200})
    return time.perf_counter() - start


def run_crypto(count: int, processes: int, payloads, pairs, audience: str) -> float:
    from django.conf import settings

    webpush = settings.WEBPUSH_SETTINGS
    subscriptions = [
        {"endpoint": f"{audience}/push/x", "keys": {"p256dh": b64(public), "auth": b64(auth)}}
        for _private, public, auth in pairs
    ]
    share = count // processes
    work = (
        share,
        payloads,
        subscriptions,
        webpush["VAPID_PRIVATE_KEY"],
        f"mailto:{webpush['VAPID_ADMIN_EMAIL']}",
        audience,
    )
    if processes == 1:
        return share / _crypto_work(work)
    # Each process times its own share, so starting the processes is not counted.
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return sum(share / seconds for seconds in pool.map(_crypto_work, [work] * processes))


def workers(env: dict, processes: int, threads: int, log_dir: Path) -> list[subprocess.Popen]:
    """`processes` Celery worker processes, each running `threads` tasks at once (a thread
    pool); with `threads` 0, one prefork worker with `processes` children."""
    if threads:
        commands = [
            ["--pool=threads", f"--concurrency={threads}", "-n", f"peak{number}@%h"]
            for number in range(processes)
        ]
    else:
        commands = [["--pool=prefork", f"--concurrency={processes}", "-n", "peak@%h"]]
    started = []
    for number, options in enumerate(commands):
        log = log_dir / f"worker-{processes}-{number}.log"
        process = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/celery"), "-A", "backend.config", "worker", *options,
             "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            cwd=ROOT, env=os.environ | env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, log))
    deadline = time.monotonic() + 60
    for process, log in started:
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
    return [process for process, _log in started]


def due_soon(seconds: float) -> datetime:
    """A due instant a little ahead, on a whole second. People choose whole minutes; the
    benchmark takes seconds too (the engine's maths are the same) so a run needn't wait for the
    next minute."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0)


def ledger_clear() -> None:
    from backend.reminders.models import Delivery, Occurrence

    Delivery.objects.all().delete()
    Occurrence.objects.all().delete()


def plan_for(due: datetime) -> None:
    """Every schedule due at `due`: the same people, a fresh reminder."""
    from zoneinfo import ZoneInfo

    from backend.plans.models import Schedule

    local = due.astimezone(ZoneInfo(ZONE))
    Schedule.objects.update(local_time=local.time(), next_day=local.date(), next_due_at=due)


def profiler(pid: int, out: Path) -> subprocess.Popen:
    """py-spy on the worker and its children until they exit: where the time goes."""
    return subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(pid), "--subprocesses",
         "--nonblocking", "--format", "speedscope", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run_tonus(
    people: int,
    sink: Sink,
    env: dict,
    concurrency: int,
    threads: int,
    work: Path,
    profile: Path | None,
) -> dict:
    from backend.reminders.tasks import dispatch_pass

    sink.reset()
    ledger_clear()
    running = workers(env, concurrency, threads, work)
    spies = [
        profiler(process.pid, profile / f"worker-{concurrency}-{number}.speedscope.json")
        for number, process in enumerate(running)
        if profile
    ]
    try:
        due = due_soon(2 + people / 20_000)  # time enough to write it to every schedule
        plan_for(due)
        time.sleep(max(0.0, due.timestamp() - time.time()))
        # What beat starts at the top of the minute; here in this process, as a dispatcher.
        dispatched = dispatch_pass(now=datetime.now(UTC))
        pass_seconds = time.time() - due.timestamp()
        deadline = time.monotonic() + max(300, people / 50)
        while sink.count() < people and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # anything sent twice arrives too
    finally:
        for process in running:
            process.terminate()
        for process in running + spies:
            process.wait()
    results = sink.results()
    arrivals = results["arrivals"]
    tokens = Counter(token for token, _at in arrivals)
    last = max((at for _token, at in arrivals), default=due.timestamp())
    return {
        "queued": len(dispatched.queued),
        "pass_seconds": pass_seconds,
        "rate": len(tokens) / max(last - due.timestamp(), 1e-9),
        "lost": people - len(tokens),
        "duplicated": sum(n - 1 for n in tokens.values()),
        "late": lateness(arrivals, due.timestamp()),
        "samples": results["samples"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="100,000 people")
    parser.add_argument("--naive", type=int, default=2000, help="people the naive loop sends to")
    parser.add_argument("--crypto", type=int, default=5000, help="messages for the crypto limit")
    parser.add_argument("--sample-every", type=int, default=500)
    parser.add_argument(
        "--threads", type=int, default=0,
        help="tasks each worker process runs at once in a thread pool (0: prefork)",
    )  # fmt: skip
    parser.add_argument("--profile", type=Path, help="write py-spy profiles of the workers here")
    args = parser.parse_args()
    people = 100_000 if args.large else args.people
    cores = os.cpu_count() or 1
    sys.path.insert(0, str(ROOT))
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    extra = {
        "CELERY_TASK_DEFAULT_QUEUE": f"tonus-peak-{secrets.token_hex(4)}",
        # The receiver is plain http on loopback; real push services are https and public.
        "PUSH_ENDPOINT_REQUIRE_HTTPS": "False",
        "PUSH_ENDPOINT_ALLOW_PRIVATE": "True",
        "LOG_LEVEL": "WARNING",
    }
    sink = Sink(args.sample_every)
    try:
        with bench_world(database_url, collectstatic=False, **extra) as (env, work):
            import django

            django.setup()
            from django.conf import settings
            from seed import people_with_stretches

            from backend.accounts.models import User
            from backend.plans.models import Schedule
            from backend.reminders.messages import reminder_payload
            from backend.reminders.models import Occurrence

            pairs = keys(KEY_POOL)

            def phone(number: int):
                _private, public, auth = pairs[number % len(pairs)]
                return f"{sink.origin}/push/p{number}", b64(public), b64(auth)

            print(f"Seeding {people:,} people, each with one phone...", flush=True)
            started = time.perf_counter()
            due = due_soon(0)
            people_with_stretches(people, zone=ZONE, at=due.time(), next_due_at=due, phone=phone)
            print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)

            public_key = settings.WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"]
            # The naive loop first, on a quiet machine and a fresh push service: the message a
            # reminder of the first person's would carry.
            naive_count = min(people, args.naive)
            print(f"Naive loop over {naive_count:,} people...", flush=True)
            first = Schedule.objects.select_related("person").order_by("id").first()
            example = Occurrence(id=0, schedule=first, person=first.person, kind=first.kind)
            naive = run_naive(
                list(User.objects.order_by("id")[:naive_count]),
                sink,
                json.dumps(reminder_payload(example, "reminder"), separators=(",", ":")),
            )
            tonus = {}
            for concurrency in sorted({1, cores}):
                print(f"Tonus with {concurrency} worker process(es)...", flush=True)
                tonus[concurrency] = run_tonus(
                    people, sink, env, concurrency, args.threads, work, args.profile
                )
            payloads = check_samples(tonus[cores]["samples"], pairs, sink.origin, public_key)
            assert all(p["title"] == "Stretches" for p in payloads), payloads[:3]
            assert all("Calf stretch, 3 × 30 s" in p["body"] for p in payloads), payloads[:3]
            plain = [json.dumps(p, separators=(",", ":")) for p in payloads]

            print("Crypto limit...", flush=True)
            crypto = {p: run_crypto(args.crypto, p, plain, pairs, sink.origin) for p in {1, cores}}
    finally:
        sink.stop()

    best = tonus[cores]
    print()
    print(f"Reminders due in one minute: {people:,} people, one phone each, {cores} cores")
    print(f"{'':34}{'messages/s':>12}")
    print(f"{'naive (django-webpush loop)':34}{naive:>12,.0f}")
    for processes, rate in sorted(crypto.items()):
        print(f"{f'crypto limit, {processes} process(es)':34}{rate:>12,.0f}")
    for concurrency, result in sorted(tonus.items()):
        print(f"{f'Tonus, {concurrency} worker process(es)':34}{result['rate']:>12,.0f}")
    print()
    targets = [(f"Tonus ÷ naive {best['rate'] / naive:.1f}×", best["rate"] >= 10 * naive, "≥ 10×")]
    for processes, rate in sorted(crypto.items()):
        targets.append(
            (
                f"Tonus ÷ crypto limit in {processes} process(es) {best['rate'] / rate:.2f}",
                best["rate"] >= rate / 2,
                "≥ 0.5",
            )
        )
    if len(tonus) > 1:
        more = best["rate"] / tonus[1]["rate"]
        targets.append((f"{cores} worker processes ÷ 1 {more:.2f}×", more > 1, "> 1"))
    for concurrency, result in sorted(tonus.items()):
        late = result["late"]
        print(
            f"Tonus, {concurrency} process(es): pass {result['pass_seconds']:.1f} s for "
            f"{result['queued']:,} due; lateness p50 {late['p50']:.1f} s, p99 {late['p99']:.1f} s, "
            f"max {late['max']:.1f} s; {result['lost']} lost, {result['duplicated']} duplicated"
        )
    late = best["late"]
    targets.append((f"p99 lateness {late['p99']:.1f} s", late["p99"] <= 60, "≤ 60 s"))
    targets.append((f"max lateness {late['max']:.1f} s", late["max"] <= 120, "≤ 120 s"))
    for figure, met, target in targets:
        print(f"  {figure:48} target {target:8} {'met' if met else 'NOT MET'}")
    print(
        f"Checked {len(payloads)} sampled messages: VAPID valid, decrypted, title and body right."
    )
    # Speed depends on the machine; losing or doubling a reminder never may.
    ok = all(r["lost"] == 0 and r["duplicated"] == 0 for r in tonus.values())
    print("PASS: nothing lost, nothing twice" if ok else "FAIL: reminders lost or sent twice")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
