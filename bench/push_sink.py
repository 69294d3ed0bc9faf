"""A push service for benchmarks, on 127.0.0.1: takes every POST to /push/<token> with 201,
notes when it came, and keeps every Nth request whole so the benchmark can check its VAPID
signature and decrypt it afterwards. The full checks of every message are the test receiver's
(tests/support/push_receiver.py); doing them here for each of 100,000 messages would make the
receiver, not the sender, what is measured.

    .venv/bin/python bench/push_sink.py PORT SAMPLE_EVERY

GET /_count answers how many came; GET /_results every (token, arrival) and the samples;
POST /_reset forgets them.
"""

import base64
import sys
import time

from aiohttp import web

KEPT_HEADERS = ("Authorization", "TTL", "Urgency", "Topic", "Content-Encoding")


def app(sample_every: int) -> web.Application:
    arrivals: list[tuple[str, float]] = []
    samples: list[dict] = []

    async def push(request: web.Request) -> web.Response:
        body = await request.read()
        arrivals.append((request.match_info["token"], time.time()))
        if len(arrivals) % sample_every == 1 or sample_every == 1:
            samples.append(
                {
                    "token": request.match_info["token"],
                    "headers": {name: request.headers.get(name) for name in KEPT_HEADERS},
                    "body": base64.b64encode(body).decode(),
                }
            )
        return web.Response(status=201)

    async def count(request: web.Request) -> web.Response:
        return web.json_response({"count": len(arrivals)})

    async def results(request: web.Request) -> web.Response:
        return web.json_response({"arrivals": arrivals, "samples": samples})

    async def reset(request: web.Request) -> web.Response:
        arrivals.clear()
        samples.clear()
        return web.json_response({})

    application = web.Application()
    application.router.add_post("/push/{token}", push)
    application.router.add_get("/_count", count)
    application.router.add_get("/_results", results)
    application.router.add_post("/_reset", reset)
    return application


if __name__ == "__main__":
    port, sample_every = int(sys.argv[1]), int(sys.argv[2])
    web.run_app(app(sample_every), host="127.0.0.1", port=port, print=None, access_log=None)
