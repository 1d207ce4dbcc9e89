"""Read-only admin: reports are computed by the worker and schedules and actions change through the
portal's services (which keep the beat schedule in step). Operators can look and search."""

from django.contrib import admin

from cco_portal.organizations.admin_scoping import CrossOrganizationAdminMixin

from .models import CustomerRoomAction, Report, ReportSchedule


class ReadOnlyAdmin(CrossOrganizationAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["organization", "month_label", "data_version", "status", "progress", "attempts", "computed_at"]
    list_filter = ["status", "organization"]
    search_fields = ["organization__name", "error"]
    list_select_related = ["organization"]
    exclude = ["figures"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(ReadOnlyAdmin):
    list_display = ["organization", "day_of_month", "hour", "enabled", "updated_at"]


@admin.register(CustomerRoomAction)
class CustomerRoomActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "month_label", "owner", "due_date", "status"]
    list_filter = ["status", "organization"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization", "owner"]
