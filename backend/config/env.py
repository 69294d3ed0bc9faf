"""Strict readers for settings that come from the environment.

A typo in production configuration should stop the process at start-up, not quietly fall back
to a default: a boolean that is not one of True, true, 1, False, false or 0 is an error.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    """A value from NAME, or from the file named by NAME_FILE (for mounted secrets).

    An empty value counts as unset, as compose files pass `${NAME:-}` through.
    """
    if os.environ.get(name):
        return os.environ[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return default


def env_bool(name: str, default: bool) -> bool:
    """True, true or 1; False, false or 0; anything else is a configuration error."""
    value = env_str(name)
    if value is None:
        return default
    if value in ("True", "true", "1"):
        return True
    if value in ("False", "false", "0"):
        return False
    raise ImproperlyConfigured(f"{name} must be True, true, 1, False, false or 0, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
