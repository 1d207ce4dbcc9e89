from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


# Named for the schema: a client generator would otherwise call the request model "TokenRequestRequest".
@extend_schema_serializer(component_name="Credentials")
class TokenRequestSerializer(serializers.Serializer):
    username = serializers.EmailField(help_text="Your email address.")
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=(
            "The current code of your authenticator app, or a recovery code: needed once you have a second factor."
        ),
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown this once only.")
    expiry = serializers.DateTimeField(help_text="After this the token no longer works; sign in again.")


class ApiTokenSerializer(serializers.Serializer):
    token_key = serializers.CharField(help_text="The token's first characters, which name it; never the token.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()


class MemberApiTokenSerializer(ApiTokenSerializer):
    user = serializers.EmailField(source="user.email")
