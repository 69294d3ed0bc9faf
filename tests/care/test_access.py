"""Every page and API operation says whom it lets in; none is decided by its path."""

from django.urls import URLPattern, URLResolver, get_resolver

from backend.shared.access import Allow, declared

# Views of Django and of the schema library: the login's own things, or nothing personal.
THIRD_PARTY = ("django.contrib.", "drf_spectacular.")


def _views(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_view_of_ours_declares_what_it_allows():
    undeclared = [
        route
        for route, callback in _views()
        if not route.startswith("admin/")
        and not callback.__module__.startswith(THIRD_PARTY)
        and declared(callback) is None
    ]

    assert undeclared == []


def test_a_declaration_is_a_level_or_a_level_per_method():
    for route, callback in _views():
        allowed = declared(callback)
        if allowed is None or isinstance(allowed, Allow):
            continue
        assert all(isinstance(level, Allow) for level in allowed.values()), route
