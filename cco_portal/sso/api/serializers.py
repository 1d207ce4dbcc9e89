from rest_framework import serializers

from cco_portal.organizations.roles import Role

from ..models import IdentityProvider


class IdentityProviderSerializer(serializers.ModelSerializer):
    """The organization's OpenID Connect provider. The client secret is write-only: an answer says only whether one
    is stored."""

    client_secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Stored encrypted and never shown again; leave it out to keep the stored one.",
    )
    has_client_secret = serializers.BooleanField(read_only=True, help_text="Whether a client secret is stored.")
    domains = serializers.ListField(
        child=serializers.CharField(max_length=253),
        source="domain_names",
        help_text="Email domains whose people sign in through this provider; each belongs to one organization.",
    )
    default_role = serializers.ChoiceField(
        choices=Role.choices,
        required=False,
        allow_blank=True,
        help_text='The role of a first sign-in; "" (none): an admin gives each newcomer a role.',
    )
    redirect_uri = serializers.SerializerMethodField(help_text="The redirect URI to register at the provider.")

    class Meta:
        model = IdentityProvider
        fields = [
            "issuer",
            "client_id",
            "client_secret",
            "has_client_secret",
            "domains",
            "default_role",
            "is_required",
            "redirect_uri",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_redirect_uri(self, instance) -> str:
        return self.context["redirect_uri"]
