from backend.care.access import acting_role


def acting(request):
    """How the login relates to the person on screen: self, caregiver or therapist (read-only)."""
    if not getattr(request, "person", None):
        return {}

    return {"acting_role": lambda: acting_role(request)}
