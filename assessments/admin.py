"""Read-mostly admin: questionnaires change only by a new version (a migration), and rounds and answers
only through the portal, whose services check who may do what. Operators can look, and delete."""

from django.contrib import admin

from cco_portal.organizations.admin_scoping import CrossOrganizationAdminMixin

from .models import Invitee, Question, Questionnaire, Response, Round, Section


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SectionInline(ReadOnlyMixin, admin.TabularInline):
    model = Section
    fields = ["number", "title"]
    extra = 0
    show_change_link = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class QuestionInline(ReadOnlyMixin, admin.TabularInline):
    model = Question
    fields = ["number", "section", "label", "text"]
    extra = 0

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "version", "published_at"]
    list_filter = ["kind"]
    inlines = [SectionInline, QuestionInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Past rounds point at their version; it must outlive them.
        return False


class InviteeInline(ReadOnlyMixin, admin.TabularInline):
    model = Invitee
    fields = ["email", "user", "notified_at"]
    extra = 0


@admin.register(Round)
class RoundAdmin(CrossOrganizationAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "organization", "questionnaire", "opens_on", "closes_on", "is_anonymous"]
    list_filter = ["questionnaire__kind", "is_anonymous", "organization"]
    search_fields = ["title", "organization__name"]
    date_hierarchy = "closes_on"
    inlines = [InviteeInline]


@admin.register(Response)
class ResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who responded to a named round and when; never what. Anonymous rounds are left out entirely, as
    even who has answered is hidden there; deleting the round removes their responses."""

    list_display = ["round", "respondent", "started_at", "submitted_at"]
    list_filter = ["round__organization"]
    search_fields = ["round__title", "respondent__email"]
    fields = ["round", "respondent", "started_at", "submitted_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(round__is_anonymous=False)
