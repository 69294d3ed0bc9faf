import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], bool], *, timeout: float = 20.0, what: str = "condition"
) -> None:
    """Poll until `condition()` holds: for effects of another process, such as the worker."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        time.sleep(0.1)
