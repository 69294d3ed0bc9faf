"""Hypothesis over every page, as schemathesis goes over the API (tests/test_api_fuzz.py).

Every URL pattern that is not the API's, with its path filled in from a household with one of
everything, gets generated query strings and, where the page has a form that posts, generated
values for that form's fields (the names read from the page itself, plus some it does not
have). However hostile the input, no answer may be a server error. Each request runs in a
savepoint rolled back afterwards, so every example meets the same data.
"""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.support.household import Household, household_build

# Examples per page and method: enough to reach the edges of each field, few enough that the
# whole run stays within a couple of minutes.
MAX_EXAMPLES = 25
THERAPIST_EXAMPLES = 10
# Not pages: the API (fuzzed by schemathesis), the admin (Django's own), and /healthz, whose
# 503 says the dispatcher is not running (as in tests).
SKIPPED = re.compile(r"^(api/|admin/|static/|healthz)")
# Query parameters some page reads, and a few that none does.
QUERY_NAMES = ["month", "page", "who", "code", "next", "file", "lang", "q", "id", "format"]

# Values a hostile or broken client sends: edges of numbers and dates, markup, NUL bytes,
# other scripts, very long text, and whatever else hypothesis finds.
EDGES = st.sampled_from(
    [
        "", "0", "-1", "1e309", "NaN", "99999999999999999999", "9999-12", "0001-01",
        "9999-12-31", "0000-00-00", "2026-02-30", "25:61", "\x00", "<script>", "' OR 1=1 --",
        "../../etc/passwd", "x" * 5000, "١٢", "𝟙", "true", "null", "[]", "{}",
    ]
)  # fmt: skip
VALUES = st.one_of(EDGES, st.text(max_size=50), st.integers().map(str))


class _Forms(HTMLParser):
    """The names of the fields of each form on a page that posts, by where it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, set[str]] = {}
        self._action: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        fields = ("input", "select", "textarea", "button")
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._action = attrs.get("action") or ""
            self.forms.setdefault(self._action, set())
        elif tag in fields and self._action is not None and attrs.get("name"):
            self.forms[self._action].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None


def _patterns(resolver=None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _patterns(entry, route)
        elif isinstance(entry, URLPattern) and not SKIPPED.match(route):
            found.append(route)
    return found


def _path(route: str, ids: dict) -> str:
    def fill(match: re.Match) -> str:
        return str(ids.get(match[2], "x1y2z3"))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


@pytest.fixture
def household(make_person, receiver) -> Household:
    return household_build(make_person, receiver)


def _examples(client: Client, method: str, path: str, data, seen: Counter, examples: int) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        # Bounded by the number of examples, not by a clock.
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=data)
    def run(data):
        with transaction.atomic():
            response = client.get(path, data) if method == "GET" else client.post(path, data)
            transaction.set_rollback(True)
        seen[response.status_code] += 1
        assert response.status_code < 500, (method, path, data, response.status_code)

    run()


def _fuzz(client: Client, ids: dict, examples: int) -> dict:
    """Every page, GET with generated query strings, POST with generated form fields."""
    failures: dict[str, str] = {}
    statuses: dict[str, Counter] = {}
    for route in _patterns():
        path = _path(route, ids)
        page = client.get(path)
        forms = _Forms()
        forms.feed(page.content.decode(errors="replace"))
        fields = set().union(*forms.forms.values()) if forms.forms else set()
        # Posted to this path by its own forms, or by the pages that link here.
        names = sorted(fields | {"name", "code", "confirm", "password", "next"})
        for method, keys in (("GET", QUERY_NAMES), ("POST", names)):
            label = f"{method} /{route}"
            statuses[label] = Counter()
            data = st.dictionaries(
                st.one_of(st.sampled_from(keys), st.text(min_size=1, max_size=10)),
                st.one_of(VALUES, st.lists(VALUES, max_size=3)),
                max_size=len(keys) + 2,
            )

            try:
                _examples(client, method, path, data, statuses[label], examples)
            except (Exception, BaseExceptionGroup) as error:
                failures[label] = f"{type(error).__name__}: {error}"[:2000]
    print(f"\n{len(statuses)} page operations")
    for label, seen in statuses.items():
        print(f"  {label}: {dict(sorted(seen.items()))}")
    return failures


def test_no_page_answers_a_parent_with_a_server_error(household):
    client = Client()
    client.force_login(household.parent)

    failures = _fuzz(client, household.ids, MAX_EXAMPLES)

    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


def test_no_page_answers_a_therapist_with_a_server_error(household):
    client = Client()
    client.force_login(household.therapist)
    client.post(f"/care/switch/{household.parent.id}/")

    failures = _fuzz(client, household.ids, THERAPIST_EXAMPLES)

    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
