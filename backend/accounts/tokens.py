"""Access tokens for clients without a browser session: knox's hashed tokens, with a name,
an expiry and a scope. What a token may do is decided by backend.care.access, with the rest."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework.authentication import get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from backend.accounts.models import ApiToken


def token_of(request) -> ApiToken | None:
    """The token a DRF request was authenticated with, if it was."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`. A request that sends an Authorization header and is not
    let in is answered 401 with `WWW-Authenticate: Token`; a browser without one keeps
    DRF's 403 for sessions (DRF asks the first class for the header)."""

    def authenticate(self, request):
        if not get_authorization_header(request):
            return None
        return super().authenticate(request)

    def authenticate_header(self, request):
        if not get_authorization_header(request):
            return None
        return knox_settings.AUTH_HEADER_PREFIX


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX
        )
        scheme["description"] = (
            "An access token made in Settings or with POST /api/v1/accounts/tokens/, sent as "
            "`Authorization: Token <token>`."
        )
        return scheme


class TokenRateThrottle(SimpleRateThrottle):
    """Requests with a token, counted per token (`token` in DEFAULT_THROTTLE_RATES)."""

    scope = "token"

    def get_rate(self):
        # Read when asked, so that a changed setting (a test's) is seen.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
