"""Upload a check-in CSV to the API and follow the import until the worker has finished it."""

import time

IMPORT = "/api/v1/checkins/import/"


def import_csv(client, text: str, *, timeout: float = 60.0, **headers) -> dict:
    response = client.post(IMPORT, text, content_type="text/csv", **headers)
    assert response.status_code == 202, response.content
    return import_finished(client, response.json()["url"], timeout=timeout, **headers)


def import_finished(client, url: str, *, timeout: float = 60.0, **headers) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(url, **headers).json()
        if job["status"] in ("done", "failed"):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"the import was still {job['status']} after {timeout}s")
        time.sleep(0.2)
