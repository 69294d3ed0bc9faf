"""Locust users for bench/load.py: each is one signed-in person on their phone, checking in
and reading their trend. Not run on its own: bench/load.py starts Locust with this file."""

import itertools
import json
import os
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

PEOPLE = json.loads(Path(os.environ["TONUS_LOAD_PEOPLE"]).read_text())
RESULTS = Path(os.environ["TONUS_LOAD_RESULTS"])
_next_person = itertools.count()
# Every check-in sent: its idempotency key and the status the app answered (0: no answer).
SENT: list[tuple[str, int]] = []


class Person(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self):
        person = PEOPLE[next(_next_person) % len(PEOPLE)]
        self.history = person.get("history", "")
        self.client.cookies.set("sessionid", person["sessionid"])
        # The check-in page sets the CSRF cookie, as on a phone.
        self.client.get("/checkins/new/", name="/checkins/new/")
        self.csrf = self.client.cookies.get("csrftoken", "")
        # Production cookies are Secure, and this loopback run is plain http: send them as
        # the phone's browser would over https.
        self.client.cookies.clear()
        self.client.cookies.set("sessionid", person["sessionid"])
        self.client.cookies.set("csrftoken", self.csrf)

    @task(1)
    def check_in(self):
        key = str(uuid.uuid4())
        body = {"idempotency_key": key, "tone": "1+", "pain": 3, "ease": 6, "minutes": 15}
        with self.client.post(
            "/api/v1/checkins/",
            json=body,
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/checkins/new/"},
            name="POST /api/v1/checkins/",
            catch_response=True,
        ) as response:
            SENT.append((key, response.status_code))
            if response.status_code != 201:
                response.failure(f"check-in answered {response.status_code}")

    @task(2)
    def read_trend(self):
        # Named by how much history the person has, where the run says (bench/api.py).
        history = f" ({self.history})" if self.history else ""
        self.client.get("/api/v1/trends/", name=f"GET /api/v1/trends/{history}")


@events.test_stop.add_listener
def _write_results(environment, **_kwargs):
    RESULTS.write_text(json.dumps(SENT))
