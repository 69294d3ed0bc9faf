from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.links import sign_up_links
from backend.accounts.models import (
    ESCALATE_MAX,
    ESCALATE_MIN,
    ApiToken,
    Role,
    User,
    paused_until_validate,
    roles_validate,
)
from backend.accounts.selectors import api_tokens_for_user
from backend.accounts.services import (
    TOKEN_MAX_DAYS,
    TooManyPasswordTries,
    account_delete,
    api_token_create,
    api_token_revoke,
    password_confirm,
    sign_up_confirm,
    sign_up_request,
    user_update,
)
from backend.accounts.tokens import token_of
from backend.shared.access import Allow
from backend.shared.api import InputSerializer, LocalTimeField, TimeZoneField


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    time_zone = TimeZoneField()
    quiet_hours_start = LocalTimeField(allow_null=True)
    quiet_hours_end = LocalTimeField(allow_null=True)
    reminders_paused = serializers.BooleanField()
    paused_until = serializers.DateField(allow_null=True)
    discreet_notifications = serializers.BooleanField()
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    profession = serializers.CharField()
    escalate_after = serializers.IntegerField(
        allow_null=True,
        help_text="Minutes after a reminder falls due, not done nor checked in, when the "
        "person's support people are told; null: never.",
    )


def _roles_check(attrs: dict, person: User | None = None) -> None:
    roles = attrs.get("roles", person.roles if person else None)
    name = attrs.get("name", person.name if person else "")
    try:
        roles_validate(roles, name=name)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict) from error


def _roles_field(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        max_length=len(Role.choices),
        help_text="What brings the person: practise, look_after, therapist; one or more.",
        **kwargs,
    )


class SignUpInputSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    time_zone = TimeZoneField()
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    roles = _roles_field(required=False, default=[Role.PRACTISE])
    profession = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_email(self, value: str) -> str:
        return User.objects.normalize_email(value)

    def validate(self, attrs):
        _roles_check(attrs)
        try:
            validate_password(attrs["password"], User(email=attrs["email"]))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class SignUpSentSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SignUpApi(APIView):
    """Asks for an account; the email's link finishes it (SignUpConfirmApi, or the page)."""

    allows = Allow.ANYONE

    @extend_schema(
        request=SignUpInputSerializer,
        responses={202: SignUpSentSerializer},
        description="The answer is the same whether or not the address has an account: an "
        "email goes to it either way, with the link that finishes the sign-up or, for an "
        "address that has an account, a word to its owner.",
    )
    def post(self, request):
        serializer = SignUpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sign_up_request(links=sign_up_links(request, ""), **serializer.validated_data)
        detail = _("We sent an email to %(email)s. Open the link in it to finish signing up.")
        return Response(
            {"detail": detail % {"email": serializer.validated_data["email"]}},
            status=status.HTTP_202_ACCEPTED,
        )


class SignUpConfirmSerializer(InputSerializer):
    uid = serializers.CharField(max_length=50)
    token = serializers.CharField(max_length=100)


# Anonymous requests are not CSRF-checked by DRF; finishing a sign-up logs the browser in,
# so it is protected against a forged log-in into someone else's account.
@method_decorator(csrf_protect, name="dispatch")
class SignUpConfirmApi(APIView):
    allows = Allow.ANYONE

    @extend_schema(request=SignUpConfirmSerializer, responses={200: PersonSerializer})
    def post(self, request):
        serializer = SignUpConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = sign_up_confirm(**serializer.validated_data)
        if user is None:
            raise serializers.ValidationError(
                {"token": [_("This link no longer works: sign up again for a new one.")]}
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(PersonSerializer(user).data)


class MeApi(APIView):
    allows = Allow.LOGIN

    class MeUpdateInputSerializer(InputSerializer):
        time_zone = TimeZoneField(required=False)
        name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        quiet_hours_start = LocalTimeField(required=False, allow_null=True)
        quiet_hours_end = LocalTimeField(required=False, allow_null=True)
        reminders_paused = serializers.BooleanField(required=False)
        paused_until = serializers.DateField(required=False, allow_null=True)
        discreet_notifications = serializers.BooleanField(required=False)
        language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
        roles = _roles_field(required=False)
        profession = serializers.CharField(max_length=100, required=False, allow_blank=True)
        escalate_after = serializers.IntegerField(
            required=False, allow_null=True, min_value=ESCALATE_MIN, max_value=ESCALATE_MAX
        )

        def validate_paused_until(self, value):
            person = self.context["person"]
            paused_until_validate(value, today=timezone.localdate(timezone=person.time_zone))
            return value

        def validate(self, attrs):
            person = self.context["person"]
            start = attrs.get("quiet_hours_start", person.quiet_hours_start)
            end = attrs.get("quiet_hours_end", person.quiet_hours_end)
            if (start is None) != (end is None):
                field = "quiet_hours_end" if end is None else "quiet_hours_start"
                raise serializers.ValidationError(
                    {field: _("Quiet hours need both a start and an end.")}
                )
            _roles_check(attrs, person)
            return attrs

    @extend_schema(responses=PersonSerializer)
    def get(self, request):
        return Response(PersonSerializer(request.user).data)

    @extend_schema(request=MeUpdateInputSerializer, responses=PersonSerializer)
    def patch(self, request):
        serializer = self.MeUpdateInputSerializer(
            data=request.data, context={"person": request.user}
        )
        serializer.is_valid(raise_exception=True)
        user = user_update(user=request.user, **serializer.validated_data)
        return Response(PersonSerializer(user).data)


class PasswordConfirmSerializer(InputSerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate_password(self, value: str) -> str:
        try:
            right = password_confirm(
                request=self.context["request"], user=self.context["user"], password=value
            )
        except TooManyPasswordTries as exc:
            raise Throttled(detail=_("Too many tries. Try again in an hour.")) from exc
        if not right:
            raise serializers.ValidationError(_("That is not your password."))
        return value


class AccountDeleteApi(APIView):
    allows = Allow.LOGIN

    @extend_schema(
        request=PasswordConfirmSerializer,
        responses={204: None},
        description="Deletes the account and everything recorded for it, and children in its "
        "care who have no other caregiver. Asks for the password again.",
    )
    def post(self, request):
        # DRF's request, not Django's: a lockout here is answered with DRF's 429, not replaced
        # by django-axes' page.
        serializer = PasswordConfirmSerializer(
            data=request.data, context={"user": request.user, "request": request}
        )
        serializer.is_valid(raise_exception=True)
        user = request.user
        logout(request)
        account_delete(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    scope = serializers.ChoiceField(choices=ApiToken.Scope.choices)
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()


class ApiTokenApi(APIView):
    """The login's access tokens, for scripts, clinic systems and apps."""

    allows = Allow.LOGIN

    class ApiTokenInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=100, help_text="Says where the token is used.")
        scope = serializers.ChoiceField(
            choices=ApiToken.Scope.choices,
            help_text="read: GET only. read_write: also changes, as the login may make them. "
            "A token acting as a therapist only reads, whatever its scope.",
        )
        expires_in_days = serializers.IntegerField(
            min_value=1, max_value=TOKEN_MAX_DAYS, required=False, default=90
        )

    class ApiTokenMadeSerializer(ApiTokenSerializer):
        token = serializers.CharField(
            help_text="The token itself: shown this once, and only its hash is kept. Send it "
            "as `Authorization: Token <token>`."
        )

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        return Response(ApiTokenSerializer(api_tokens_for_user(user=request.user), many=True).data)

    @extend_schema(request=ApiTokenInputSerializer, responses={201: ApiTokenMadeSerializer})
    def post(self, request):
        if token_of(request) is not None:
            # Else a token could outlive its own expiry by making the next one.
            raise PermissionDenied(_("Tokens are made from a signed-in session."))
        serializer = self.ApiTokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = api_token_create(user=request.user, **serializer.validated_data)
        data = ApiTokenSerializer(token).data | {"token": secret}
        return Response(data, status=status.HTTP_201_CREATED)


class ApiTokenRevokeApi(APIView):
    allows = Allow.LOGIN

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_id: int):
        if not api_token_revoke(user=request.user, token_id=token_id):
            raise NotFound(_("No such token."))
        return Response(status=status.HTTP_204_NO_CONTENT)
