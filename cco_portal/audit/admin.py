from django.contrib import admin

from cco_portal.organizations.admin_scoping import CrossOrganizationAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(CrossOrganizationAdminMixin, admin.ModelAdmin):
    """Read-only: the log is append-only, here as everywhere."""

    list_display = ["created_at", "action", "actor_email", "target", "organization", "ip_address"]
    list_filter = ["action", "organization"]
    search_fields = ["actor_email", "target", "organization__name", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
