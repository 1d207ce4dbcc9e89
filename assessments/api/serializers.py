"""The shapes of the assessments API: questionnaires, rounds, my response, and the results of a round.

Results are written from the selectors' dataclasses; nothing here computes a figure.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cco_portal.dates import ApiDateField
from cco_portal.organizations.api.fields import MemberField

from ..models import MAX_REMINDER_DAYS_BEFORE, Answer, Choice, Kind, Question, Questionnaire, Round, Section
from ..selectors import Alignment

User = get_user_model()


# questionnaires


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["number", "title", "description", "self_description"]


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.IntegerField(
        source="section.number", allow_null=True, read_only=True, help_text="The number of its section, if any."
    )

    class Meta:
        model = Question
        fields = ["id", "number", "section", "label", "text", "self_text", "tip"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    choices = serializers.SerializerMethodField(help_text="The answers a question of this questionnaire takes.")
    sections = SectionSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "kind",
            "version",
            "title",
            "introduction",
            "source",
            "afterword",
            "choices",
            "sections",
            "questions",
        ]

    def get_choices(self, questionnaire) -> list[str]:
        return [choice.value for choice in questionnaire.choices]


# rounds


class RoundSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(source="questionnaire.kind", choices=Kind.choices, read_only=True)
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)
    ceo_name = serializers.CharField(source="ceo.display_name", allow_null=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    has_closed = serializers.BooleanField(read_only=True)
    invited = serializers.IntegerField(read_only=True, help_text="How many people are asked to answer.")
    submitted = serializers.IntegerField(read_only=True, help_text="How many have submitted their answers.")
    is_invitee = serializers.SerializerMethodField(help_text="Whether the requesting user is asked to answer.")
    has_submitted = serializers.SerializerMethodField(help_text="Whether the requesting user has submitted.")

    class Meta:
        model = Round
        fields = [
            "id",
            "kind",
            "questionnaire",
            "questionnaire_version",
            "title",
            "opens_on",
            "closes_on",
            "is_anonymous",
            "is_open",
            "has_closed",
            "ceo",
            "ceo_name",
            "created_by",
            "created_at",
            "invited",
            "submitted",
            "is_invitee",
            "has_submitted",
        ]
        read_only_fields = fields

    def get_is_invitee(self, round_) -> bool:
        return round_.pk in self.context["my_responses"]

    def get_has_submitted(self, round_) -> bool:
        response = self.context["my_responses"].get(round_.pk)
        return response is not None and response.is_submitted


class RoundInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    opens_on = ApiDateField(default=timezone.localdate, help_text="Defaults to today.")
    closes_on = ApiDateField(help_text="The last day answers are accepted.")
    invitees = MemberField(many=True, default=list, help_text="User ids of members asked to answer.")
    invitee_emails = serializers.ListField(
        child=serializers.EmailField(),
        default=list,
        help_text="Anyone's address; people who are not members are also invited to join as executives.",
    )
    is_anonymous = serializers.BooleanField(default=False)
    ceo = MemberField(
        allow_null=True, default=None, help_text="CEO commitment reviews: the member whose answers are the self-view."
    )


# a round's calendar


class RoundCalendarSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="round.pk")
    opens_on = ApiDateField(source="round.opens_on")
    closes_on = ApiDateField(source="round.closes_on")
    closed_early_at = serializers.DateTimeField(source="round.closed_early_at", allow_null=True)
    is_open = serializers.BooleanField(source="round.is_open")
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(), source="round.reminder_days", help_text="Days before closing; 0 is the last."
    )
    reminded = serializers.IntegerField(required=False, help_text="After a nudge: how many people were reminded.")


class ReminderDaysInputSerializer(serializers.Serializer):
    days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_REMINDER_DAYS_BEFORE),
        allow_empty=True,
        help_text="Days before the closing date; 0 is the last day; an empty list sends no reminders.",
    )


class NudgeInputSerializer(serializers.Serializer):
    invitee = serializers.IntegerField(
        required=False, allow_null=True, help_text="An invitee id; leave out to remind everyone who has not answered."
    )

    def validate_invitee(self, value):
        if value is None:
            return None
        round_ = self.context["round"]
        if round_.is_anonymous:
            raise serializers.ValidationError(_("An anonymous round never names who has not answered: leave it out."))
        invitee = round_.invitees.filter(pk=value).first()
        if invitee is None:
            raise serializers.ValidationError(_("No such invitee in this round."))
        return invitee


class ExtendRoundInputSerializer(serializers.Serializer):
    closes_on = ApiDateField(help_text="The new last day answers are accepted.")


# my response


class AnswerSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="question.number", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "number", "choice", "comment", "updated_at"]
        read_only_fields = fields


class MyResponseSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True, help_text="Null until the first answer.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="Null while the answers may still change.")
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    answers = AnswerSerializer(many=True)


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.all(), help_text="A question id.")
    choice = serializers.ChoiceField(choices=Choice.choices, help_text="Partly only in CEO commitment reviews.")
    comment = serializers.CharField(
        allow_blank=True, default="", help_text="At most 2,000 characters; a longer one is refused, never cut."
    )


# results


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField()
    author = serializers.CharField(allow_null=True, help_text="Null in anonymous rounds.")


class ReadinessQuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    number = serializers.IntegerField(source="question.number")
    label = serializers.CharField(source="question.label")
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    answers = serializers.IntegerField()
    yes_share = serializers.FloatField(allow_null=True, help_text="YES over all answers; null without answers.")
    alignment = serializers.ChoiceField(
        choices=[
            Alignment.UNANIMOUS_YES,
            Alignment.UNANIMOUS_NO,
            Alignment.SPLIT,
            Alignment.ONLY_ONE_ANSWER,
            Alignment.NO_ANSWERS,
        ],
        help_text="Unanimous needs at least two answers.",
    )
    previous_yes_share = serializers.FloatField(allow_null=True)
    yes_share_change = serializers.IntegerField(
        allow_null=True, help_text="In percentage points: the whole percentage now minus the one before."
    )
    comments = CommentSerializer(many=True)


class NextStepSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="question.number")
    label = serializers.CharField(source="question.label")
    tip = serializers.CharField(source="question.tip")


class PreviousReadinessSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="round.pk")
    title = serializers.CharField(source="round.title")
    closes_on = ApiDateField(source="round.closes_on")
    readiness = serializers.FloatField(allow_null=True)


class AlignmentCountsSerializer(serializers.Serializer):
    unanimous_yes = serializers.IntegerField()
    unanimous_no = serializers.IntegerField()
    split = serializers.IntegerField()
    only_one_answer = serializers.IntegerField(help_text="Questions one person answered: neither unanimous nor split.")
    no_answers = serializers.IntegerField()


class ReadinessResultsSerializer(serializers.Serializer):
    kind = serializers.CharField(source="round.kind")
    round = serializers.IntegerField(source="round.pk")
    readiness = serializers.FloatField(allow_null=True, help_text="YES answers over all answers.")
    readiness_change = serializers.IntegerField(
        allow_null=True,
        help_text="Since the previous round, in percentage points: the whole percentage now minus the one before.",
    )
    yes_answers = serializers.IntegerField()
    all_answers = serializers.IntegerField()
    respondents = serializers.IntegerField()
    invited = serializers.IntegerField()
    alignment_counts = serializers.SerializerMethodField()
    questions = ReadinessQuestionResultSerializer(many=True)
    next_steps = NextStepSerializer(many=True, help_text="Questions not unanimous YES, with their tips.")
    not_answered = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="Who has not submitted; null in anonymous rounds."
    )
    previous = PreviousReadinessSerializer(allow_null=True)

    @extend_schema_field(AlignmentCountsSerializer)
    def get_alignment_counts(self, results) -> dict:
        return {
            "unanimous_yes": results.count(Alignment.UNANIMOUS_YES),
            "unanimous_no": results.count(Alignment.UNANIMOUS_NO),
            "split": results.count(Alignment.SPLIT),
            "only_one_answer": results.count(Alignment.ONLY_ONE_ANSWER),
            "no_answers": results.count(Alignment.NO_ANSWERS),
        }


class ViewScoresSerializer(serializers.Serializer):
    """Shares of a full Yes (Yes 1, Partly 0.5, No 0); null where nobody of that side has answered."""

    self_view = serializers.FloatField(allow_null=True, help_text="The CEO's answers.")
    leaders_view = serializers.FloatField(allow_null=True, help_text="Everyone else's answers.")
    gap = serializers.IntegerField(
        allow_null=True, help_text="Self-view minus leaders' view, in points of the whole percentages."
    )
    answers = serializers.IntegerField(help_text="How many answered: the CEO and the leaders together.")


class CommitmentQuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    number = serializers.IntegerField()
    label = serializers.CharField()
    scores = ViewScoresSerializer()

    def to_representation(self, pair):
        question, scores = pair
        return super().to_representation(
            {"question": question.pk, "number": question.number, "label": question.label, "scores": scores}
        )


class CommitmentActionResultSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    scores = ViewScoresSerializer()
    questions = CommitmentQuestionResultSerializer(many=True)


class TrendPointSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    title = serializers.CharField()
    closes_on = ApiDateField()
    scores = ViewScoresSerializer()

    def to_representation(self, pair):
        review, scores = pair
        return super().to_representation(
            {"round": review.pk, "title": review.title, "closes_on": review.closes_on, "scores": scores}
        )


class CommitmentResultsSerializer(serializers.Serializer):
    kind = serializers.CharField(source="round.kind")
    round = serializers.IntegerField(source="round.pk")
    ceo = serializers.IntegerField(source="round.ceo_id", allow_null=True)
    ceo_name = serializers.CharField(source="round.ceo.display_name", allow_null=True)
    ceo_responded = serializers.BooleanField()
    leaders_responded = serializers.IntegerField()
    overall = ViewScoresSerializer()
    actions = CommitmentActionResultSerializer(many=True)
    actions_by_gap = serializers.SerializerMethodField(
        help_text="Action numbers, the largest gap between the two views first."
    )
    not_answered = serializers.ListField(child=serializers.CharField())
    trend = TrendPointSerializer(many=True, help_text="This organization's reviews up to this one, oldest first.")

    def get_actions_by_gap(self, results) -> list[int]:
        return [action.number for action in results.actions_by_gap]
