from rest_framework import serializers

from ..models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    details = serializers.DictField(read_only=True, help_text="What else is known about the event, by name.")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "action_label",
            "actor",
            "actor_email",
            "target",
            "ip_address",
            "details",
        ]
        read_only_fields = fields
