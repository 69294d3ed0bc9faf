from functools import cache

from backend.care.access import role_for


def acting(request):
    """How the login relates to the person on screen: self, caregiver or therapist (read-only)."""
    if not getattr(request, "person", None):
        return {}

    @cache
    def acting_role():
        # Set by the access check on views that act for someone; worked out for the rest.
        if getattr(request, "role", None) is not None:
            return request.role
        return role_for(request.user, request.person)

    return {"acting_role": acting_role}
