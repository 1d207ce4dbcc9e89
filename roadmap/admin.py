"""Read-mostly admin: milestones, areas and stages change through the portal, whose services check the
dependency rules and record who changed what. Operators can look, search, and see the history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cco_portal.organizations.admin_scoping import CrossOrganizationAdminMixin

from .models import Competency, MaturityAssessment, Milestone, OperationalArea


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Competency)
class CompetencyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "title", "short_title"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(CrossOrganizationAdminMixin, ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "organization", "competency", "owner", "status", "percent_complete", "due_date"]
    list_filter = ["status", "competency", "organization"]
    search_fields = ["title", "organization__name", "owner__email", "owner__full_name"]
    list_select_related = ["organization", "competency", "owner"]
    date_hierarchy = "due_date"


@admin.register(OperationalArea)
class OperationalAreaAdmin(CrossOrganizationAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    search_fields = ["name", "organization__name"]


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(CrossOrganizationAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["organization", "competency", "stage", "assessed_by", "assessed_at"]
    list_filter = ["competency", "stage", "organization"]
    list_select_related = ["organization", "competency", "assessed_by"]
