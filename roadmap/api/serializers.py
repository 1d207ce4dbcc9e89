"""The shapes of the roadmap API: competencies with their roll-up, maturity stages, operational areas,
milestones and their history.

Related ids in a request are looked up among the organization's own rows only, so another organization's
id is refused like one that does not exist. Figures come from roadmap.selectors; nothing here computes one.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cco_portal.dates import ApiDateField
from cco_portal.organizations.api.fields import MemberField

from ..models import (
    Competency,
    JourneyStage,
    MaturityAssessment,
    Milestone,
    OperationalArea,
    Stage,
    Status,
    Touchpoint,
)

User = get_user_model()


class OrganizationScopedField(serializers.PrimaryKeyRelatedField):
    """An id of a row of the organization in the serializer's context."""

    def get_queryset(self):
        return super().get_queryset().for_organization(self.context["organization"])


class AreaField(OrganizationScopedField):
    default_error_messages = {"does_not_exist": "No operational area of this organization has the id {pk_value}."}

    def __init__(self, **kwargs):
        super().__init__(queryset=OperationalArea.objects.all(), **kwargs)


class MilestoneField(OrganizationScopedField):
    default_error_messages = {"does_not_exist": "No milestone of this organization has the id {pk_value}."}

    def __init__(self, **kwargs):
        super().__init__(queryset=Milestone.objects.all(), **kwargs)


class StageField(OrganizationScopedField):
    default_error_messages = {"does_not_exist": "No journey stage of this organization has the id {pk_value}."}

    def __init__(self, **kwargs):
        super().__init__(queryset=JourneyStage.objects.all(), **kwargs)


class TouchpointField(OrganizationScopedField):
    default_error_messages = {"does_not_exist": "No touchpoint of this organization has the id {pk_value}."}

    def __init__(self, **kwargs):
        super().__init__(queryset=Touchpoint.objects.all(), **kwargs)


class CompetencyField(serializers.SlugRelatedField):
    """A competency by its number, 1 to 5."""

    default_error_messages = {"does_not_exist": "There is no competency number {value}."}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The competency's number, 1 to 5.")
        super().__init__(slug_field="number", queryset=Competency.objects.all(), **kwargs)


# competencies


class EvidenceSerializer(serializers.Serializer):
    title = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField(help_text="The page that shows more.")
    met = serializers.BooleanField(help_text="Whether it is in place.")
    stage = serializers.IntegerField(help_text="The maturity stage it belongs to.")


class CompetencyRollupSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="competency.number")
    title = serializers.CharField(source="competency.title")
    short_title = serializers.CharField(source="competency.short_title")
    description = serializers.CharField(source="competency.description")
    stage = serializers.ChoiceField(
        choices=Stage.choices, allow_null=True, help_text="The latest maturity stage; null until one is set."
    )
    stage_label = serializers.SerializerMethodField()
    total = serializers.IntegerField(help_text="Milestones of this competency.")
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    blocked = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Due date passed and not done.")
    due_soon = serializers.IntegerField(help_text="Not done and due within 30 days.")
    percent_done = serializers.IntegerField(help_text="Done over total, rounded; 0 without milestones.")
    suggested_stage = serializers.SerializerMethodField(
        help_text="The stage the portal's record suggests (evidence below); null when it holds none on this one."
    )
    evidence = serializers.SerializerMethodField(help_text="What the record shows, lowest stage first.")

    def get_stage_label(self, rollup) -> str | None:
        return Stage(rollup.stage).label if rollup.stage else None

    def _evidence(self, rollup):
        return self.context["evidence"][rollup.competency.number]

    def get_suggested_stage(self, rollup) -> int | None:
        return self._evidence(rollup).suggested_stage

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, rollup) -> list:
        return EvidenceSerializer(self._evidence(rollup).items, many=True).data


# maturity stages


class MaturityAssessmentSerializer(serializers.ModelSerializer):
    competency = serializers.IntegerField(source="competency.number", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    assessed_by_name = serializers.CharField(source="assessed_by.display_name", allow_null=True, read_only=True)

    class Meta:
        model = MaturityAssessment
        fields = ["id", "competency", "stage", "stage_label", "note", "assessed_by", "assessed_by_name", "assessed_at"]
        read_only_fields = fields


class MaturityAssessmentInputSerializer(serializers.Serializer):
    competency = CompetencyField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(allow_blank=True, help_text="Why this stage: what is in place and what is missing.")


# operational areas


class OperationalAreaSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.display_name", allow_null=True, default=None)

    class Meta:
        model = OperationalArea
        fields = ["id", "name", "leader", "leader_name"]
        read_only_fields = fields


class OperationalAreaInputSerializer(serializers.Serializer):
    """A new area, or what changes of one: its name, its leader, or both."""

    name = serializers.CharField(max_length=80, allow_blank=True)
    leader = MemberField(
        allow_null=True,
        required=False,
        help_text="The member who leads the area and answers for its touchpoints on the journey map; null for nobody.",
    )


# milestones


class MilestoneSerializer(serializers.ModelSerializer):
    competency = serializers.IntegerField(source="competency.number", read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", allow_null=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="Due date passed and not done.")

    class Meta:
        model = Milestone
        fields = [
            "id",
            "competency",
            "title",
            "description",
            "owner",
            "owner_name",
            "areas",
            "start_date",
            "due_date",
            "status",
            "percent_complete",
            "blocked_reason",
            "dependencies",
            "override_reason",
            "notes",
            "journey_stage",
            "touchpoint",
            "is_overdue",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer):
    """What creates or changes a milestone. On PATCH, owners who are not CCO or admin may send only
    status, percent_complete, notes and blocked_reason."""

    competency = CompetencyField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False)
    owner = MemberField(allow_null=True, required=False, help_text="A member's user id; null for nobody.")
    areas = AreaField(many=True, required=False, help_text="Ids of operational areas of this organization.")
    start_date = ApiDateField(allow_null=True, required=False)
    due_date = ApiDateField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100, required=False)
    blocked_reason = serializers.CharField(allow_blank=True, required=False, help_text="Required when blocked.")
    dependencies = MilestoneField(
        many=True, required=False, help_text="Ids of milestones of this organization that must be done first."
    )
    override_reason = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text="CCO and admin only: why it is done while a milestone it depends on is not.",
    )
    notes = serializers.CharField(allow_blank=True, required=False)
    journey_stage = StageField(
        allow_null=True, required=False, help_text="The id of the journey map's stage it acts on; null for none."
    )
    touchpoint = TouchpointField(
        allow_null=True, required=False, help_text="The id of the journey map's touchpoint it acts on; null for none."
    )


class MilestoneFilterSerializer(serializers.Serializer):
    """The query parameters of the milestone list; all optional, all combined."""

    competency = serializers.IntegerField(min_value=1, max_value=5, required=False, help_text="A competency number.")
    owner = serializers.IntegerField(required=False, help_text="The owner's user id.")
    area = serializers.IntegerField(required=False, help_text="An operational area id.")
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only overdue milestones.")
    due_from = ApiDateField(required=False, help_text="Due on or after this day.")
    due_to = ApiDateField(required=False, help_text="Due on or before this day.")


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()

    def to_representation(self, change):
        field, before, after = change
        return super().to_representation({"field": field, "before": before, "after": after})


class ChangeSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    what = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    changes = FieldChangeSerializer(
        source="fields", many=True, help_text="Each changed field, as people read it before and after."
    )


class StarterRoadmapInputSerializer(serializers.Serializer):
    start = ApiDateField(required=False, help_text="The day the plan starts from; today if not given.")
