"""The assessments API: questionnaires, rounds, answering as an invitee, and the results of a round.

Writes go through assessments.services, results come from assessments.selectors; the views only parse,
check who may, and shape the answer.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import models, reminders, selectors, services
from ..models import Kind, Questionnaire, Round
from .serializers import (
    AnswerInputSerializer,
    CommitmentResultsSerializer,
    ExtendRoundInputSerializer,
    MyResponseSerializer,
    NudgeInputSerializer,
    QuestionnaireSerializer,
    ReadinessResultsSerializer,
    ReminderDaysInputSerializer,
    RoundCalendarSerializer,
    RoundInputSerializer,
    RoundSerializer,
)

# Who reads every result of the organization; executives read a round's results once they have answered it.


class QuestionnaireListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The current version of each questionnaire, with its sections and questions: what new rounds ask."""

    serializer_class = QuestionnaireSerializer
    pagination_class = None

    def get_queryset(self):
        # Questionnaires are the portal's shared content, not data of one organization: nothing to scope.
        current = [Questionnaire.objects.current(kind).pk for kind in Kind.values]
        return Questionnaire.objects.filter(pk__in=current).prefetch_related("sections", "questions__section")


class RoundViewSet(
    OrganizationScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The organization's readiness rounds and CEO commitment reviews; the CCO and admins open them."""

    queryset = Round.objects.select_related("questionnaire", "ceo")
    serializer_class = RoundSerializer
    write_roles = MANAGERS
    lookup_url_kwarg = "round_id"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        rounds = (
            super()
            .get_queryset()
            .annotate(
                invited=Count("invitees", distinct=True),
                submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
            )
            # Aggregation drops Meta.ordering, and pages need a stable order.
            .order_by("-closes_on", "-created_at", "-pk")
        )
        if self.action == "list" and (kind := self.request.query_params.get("kind")):
            rounds = rounds.of_kind(kind)
        return rounds

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "organization", None) is not None:
            context["my_responses"] = {
                round_.pk: response for round_, response in selectors.my_rounds(self.organization, self.request.user)
            }
        return context

    @extend_schema(parameters=[OpenApiParameter("kind", enum=Kind.values, description="Only rounds of this kind.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RoundInputSerializer, responses={201: RoundSerializer})
    def create(self, request, *args, **kwargs):
        """Open a round and invite people; their emails go out once it is saved."""
        data = RoundInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        round_ = services.open_round(organization=self.organization, created_by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=round_.pk)).data, status=status.HTTP_201_CREATED)


class RoundScopedView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """A view about one round of the organization in the URL: another organization's round is 404."""

    queryset = Round.objects.select_related("questionnaire", "organization", "ceo")
    lookup_url_kwarg = "round_id"


class InviteeMixin:
    """For the views of the requesting user's own response: only invitees may use them (403 otherwise)."""

    # Any member may write here; get_invited_round refuses whoever is not invited.
    write_roles = ANY_MEMBER

    def get_invited_round(self) -> Round:
        round_ = self.get_object()
        if not services.is_invited(round_, self.request.user):
            raise PermissionDenied(_("You are not invited to answer this round."))
        return round_

    def my_response(self, round_: Round) -> Response:
        """The answer to every request of these views: the user's progress and answers so far."""
        response = (
            models.Response.objects.filter(round=round_, respondent=self.request.user)
            .prefetch_related("answers__question")
            .first()
        )
        answered, total = selectors.progress(response, round_)
        answers = sorted(response.answers.all(), key=lambda a: a.question.number) if response else []
        data = {
            "round": round_.pk,
            "started_at": response.started_at if response else None,
            "submitted_at": response.submitted_at if response else None,
            "answered": answered,
            "total": total,
            "answers": answers,
        }
        return Response(MyResponseSerializer(data).data)


class MyResponseView(InviteeMixin, RoundScopedView):
    """The requesting invitee's answers to a round; each answer is saved as it is given."""

    @extend_schema(responses=MyResponseSerializer)
    def get(self, request, *args, **kwargs):
        return self.my_response(self.get_invited_round())

    @extend_schema(request=AnswerInputSerializer, responses=MyResponseSerializer)
    def post(self, request, *args, **kwargs):
        """Answer one question, or change an answer until the response is submitted."""
        round_ = self.get_invited_round()
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_answer(round_=round_, user=request.user, **data.validated_data)
        return self.my_response(round_)

    @extend_schema(request=AnswerInputSerializer, responses=MyResponseSerializer)
    def put(self, request, *args, **kwargs):
        """The same as POST: record the answer to the question named in the body."""
        return self.post(request, *args, **kwargs)


class SubmitResponseView(InviteeMixin, RoundScopedView):
    """Make the requesting invitee's answers final; every question needs an answer first."""

    @extend_schema(request=None, responses=MyResponseSerializer)
    def post(self, request, *args, **kwargs):
        round_ = self.get_invited_round()
        services.submit_response(round_=round_, user=request.user)
        return self.my_response(round_)


RESULTS_SCHEMA = PolymorphicProxySerializer(
    component_name="RoundResults",
    serializers={Kind.READINESS.value: ReadinessResultsSerializer, Kind.COMMITMENT.value: CommitmentResultsSerializer},
    resource_type_field_name="kind",
)


class RoundResultsView(RoundScopedView):
    """A round's results, shaped by its kind; anonymous rounds never name anyone.

    Managers and leadership read every round's results; an executive reads them once they have submitted.
    """

    @extend_schema(responses=RESULTS_SCHEMA)
    def get(self, request, *args, **kwargs):
        round_ = self.get_object()
        if not self.may_read_results(round_):
            raise PermissionDenied(_("Results are shown to executives once they have submitted their own answers."))
        if round_.kind == Kind.COMMITMENT:
            return Response(CommitmentResultsSerializer(selectors.commitment_results(round_)).data)
        return Response(ReadinessResultsSerializer(selectors.readiness_results(round_)).data)

    def may_read_results(self, round_: Round) -> bool:
        return selectors.can_read_results(round_, self.request.user, self.roles)


class RoundCalendarAPIView(RoundScopedView):
    """The CCO's hold on a round's calendar (reminders, nudges, the closing date); each answers with the
    round's calendar as it now stands."""

    read_roles = MANAGERS
    write_roles = MANAGERS

    def calendar(self, round_: Round, **extra) -> Response:
        return Response(RoundCalendarSerializer({"round": round_, **extra}).data)


class ReminderDaysAPIView(RoundCalendarAPIView):
    @extend_schema(request=ReminderDaysInputSerializer, responses=RoundCalendarSerializer)
    def post(self, request, *args, **kwargs):
        """Set the days before closing (0: the last day) on which those who have not answered are reminded."""
        data = ReminderDaysInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = reminders.set_reminder_days(round_=self.get_object(), days_before=data.validated_data["days"])
        return self.calendar(round_)


class NudgeAPIView(RoundCalendarAPIView):
    @extend_schema(request=NudgeInputSerializer, responses=RoundCalendarSerializer)
    def post(self, request, *args, **kwargs):
        """Remind now: one invitee, or (without `invitee`, and always in anonymous rounds) everyone who has
        not answered and was not reminded in the last day."""
        round_ = self.get_object()
        data = NudgeInputSerializer(data=request.data, context={"round": round_})
        data.is_valid(raise_exception=True)
        invitee = data.validated_data.get("invitee")
        if invitee is None:
            count = reminders.nudge_waiting_invitees(round_=round_, acting_user=request.user)
        else:
            reminders.nudge_invitee(round_=round_, invitee=invitee, acting_user=request.user)
            count = 1
        return self.calendar(round_, reminded=count)


class ExtendRoundAPIView(RoundCalendarAPIView):
    @extend_schema(request=ExtendRoundInputSerializer, responses=RoundCalendarSerializer)
    def post(self, request, *args, **kwargs):
        """Move the closing date later (a closed round opens again); those who have not answered are told."""
        data = ExtendRoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_ = reminders.extend_round(round_=self.get_object(), closes_on=data.validated_data["closes_on"])
        return self.calendar(round_)


class CloseRoundAPIView(RoundCalendarAPIView):
    @extend_schema(request=None, responses=RoundCalendarSerializer)
    def post(self, request, *args, **kwargs):
        """Close an open round now; those who have not answered are told."""
        round_ = reminders.close_round_early(round_=self.get_object())
        return self.calendar(round_)
