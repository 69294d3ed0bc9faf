"""How a view declares whom it lets in. The decision itself is made by backend.care.access,
on the resolved view: this module only holds the words, so that every app can use them."""

import enum


class Allow(enum.Enum):
    """What a view allows, from the most open to the most closed."""

    ANYONE = "anyone"  # no login: a secret token or nothing personal is the key
    LOGIN = "login"  # the login's own things (settings, phones, joining a circle)
    # The person's day (today's reminders, marking one done): the circle, support people
    # too; a therapist only reads.
    SUPPORT_ACTS = "support acts"
    THERAPIST_READS = "therapist reads"  # the person's circle; a therapist only reads
    THERAPIST_WRITES = "therapist writes"  # notes and suggestions: only a therapist writes
    MANAGE = "manage"  # the person and their caregivers; a therapist is not let in


def allows(allowed):
    """Declares what a page allows: one Allow, or one per HTTP method ({"GET": ..., "*": ...}).
    API views declare it as their `allows` attribute."""

    def declare(view):
        view.allows = allowed
        return view

    return declare


def declared(view) -> object | None:
    """The declaration of a resolved view: a function, a Django class view or a DRF view."""
    view = getattr(view, "cls", None) or getattr(view, "view_class", None) or view
    return getattr(view, "allows", None)


def level_for(allowed, method: str) -> Allow:
    if isinstance(allowed, Allow):
        return allowed
    return allowed.get(method, allowed.get("*"))
