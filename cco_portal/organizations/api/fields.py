from django.contrib.auth import get_user_model
from rest_framework import serializers

User = get_user_model()


class MemberField(serializers.PrimaryKeyRelatedField):
    """A user id that must belong to a member of the organization in the serializer's context."""

    default_error_messages = {"does_not_exist": "No member of this organization has the id {pk_value}."}

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(memberships__organization=self.context["organization"]).distinct()
