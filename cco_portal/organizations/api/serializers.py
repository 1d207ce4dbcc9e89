from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..models import Invitation, Membership, Organization
from ..roles import Role

User = get_user_model()


class OrganizationSerializer(serializers.ModelSerializer):
    my_roles = serializers.SerializerMethodField(help_text="The roles the requesting user holds here.")

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "report_to_executives",
            "customer_room_max_actions",
            "second_factor_required_for",
            "created_at",
            "my_roles",
        ]
        read_only_fields = ["slug", "created_at"]

    def get_my_roles(self, organization) -> list[str]:
        user = self.context["request"].user
        return sorted((m.role for m in organization.memberships.all() if m.user_id == user.pk), key=Role.values.index)


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "full_name", "role", "created_at"]
        read_only_fields = fields


class MembershipInputSerializer(serializers.Serializer):
    email = serializers.EmailField(
        help_text="A member's address: this grants a member one more role. People join only by accepting an "
        "invitation (POST …/invitations/)."
    )
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at", "sent_at", "accepted_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at", "sent_at", "accepted_at"]
