"""The list of rounds, opening a round, inviting more people, and the link of the invitation email."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationMixin
from cco_portal.service_errors import add_service_errors

from .. import reminders, selectors, services
from ..forms import ExtendRoundForm, InviteesForm, ReminderDaysForm, RoundForm
from ..models import Kind, Questionnaire
from .base import RoundMixin


class IndexView(OrganizationMixin, TemplateView):
    """What is waiting for the person's answers, and the rounds and results their roles may see."""

    template_name = "assessments/index.html"

    def get_context_data(self, **kwargs):
        mine = [
            (round_, response, selectors.progress(response, round_))
            for round_, response in selectors.my_rounds(self.organization, self.request.user)
        ]
        reads_all_results = selectors.can_read_every_result(self.roles)
        context = {
            "reads_all_results": reads_all_results,
            "to_answer": [
                (round_, response, progress)
                for round_, response, progress in mine
                if not round_.has_closed and not (response and response.is_submitted)
            ],
        }
        if reads_all_results:
            context["readiness_rounds"] = selectors.rounds_with_progress(self.organization, Kind.READINESS)
            context["reviews"] = selectors.rounds_with_progress(self.organization, Kind.COMMITMENT)
        else:
            context["answered"] = [round_ for round_, response, _progress in mine if response and response.is_submitted]
        return super().get_context_data(**context, **kwargs)


class OpenRoundView(OrganizationMixin, FormView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    form_class = RoundForm
    template_name = "assessments/open_round.html"

    @cached_property
    def kind(self) -> Kind:
        try:
            return Kind(self.kwargs["kind"])
        except ValueError:
            raise Http404("No such kind of round.") from None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization, "kind": self.kind}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind, questionnaire=Questionnaire.objects.current(self.kind), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            round_ = services.open_round(
                organization=self.organization,
                kind=self.kind,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                invitees=data["invitees"],
                invitee_emails=data["invitee_emails"],
                is_anonymous=data.get("is_anonymous", False),
                ceo=data.get("ceo"),
                created_by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        invited = round_.invitees.count()
        messages.success(
            self.request,
            ngettext(
                "“%(title)s” is ready. %(count)d invitation is on the way by email.",
                "“%(title)s” is ready. %(count)d invitations are on the way by email.",
                invited,
            )
            % {"title": round_.title, "count": invited},
        )
        return redirect("assessments:index", org_slug=self.organization.slug)


class RoundView(RoundMixin, View):
    """The link in the invitation email: the survey while there is something to answer, else the results."""

    def get(self, request, *args, **kwargs):
        if self.is_invited and not self.round_.has_closed and not selectors.has_submitted(self.round_, request.user):
            return redirect(self.round_url("answer"))
        return redirect(self.round_url("results"))


class InviteesView(RoundMixin, FormView):
    """Who is invited to a round, and a form to invite more while it has not closed."""

    required_roles = MANAGERS

    write_roles = MANAGERS
    form_class = InviteesForm
    template_name = "assessments/invitees.html"

    @cached_property
    def invitees(self):
        return list(self.round_.invitees.select_related("user").prefetch_related("reminders"))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organization": self.organization,
            "already_invited": {invitee.email.lower() for invitee in self.invitees},
        }

    def get_context_data(self, **kwargs):
        waiting = {invitee.pk for invitee in reminders.waiting_invitees(self.round_)}
        return super().get_context_data(
            invitees=self.invitees,
            # Who has not answered is never shown for an anonymous round, not even by a nudge button.
            waiting=set() if self.round_.is_anonymous else waiting,
            waiting_count=len(waiting),
            not_answered=None if self.round_.is_anonymous else selectors.not_answered(self.round_),
            reminder_form=ReminderDaysForm(initial={"reminder_days": ", ".join(map(str, self.round_.reminder_days))}),
            extend_form=ExtendRoundForm(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            added = services.invite_to_round(
                round_=self.round_,
                invitees=form.cleaned_data["invitees"],
                invitee_emails=form.cleaned_data["invitee_emails"],
                invited_by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if added:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d more person is invited by email.",
                    "%(count)d more people are invited by email.",
                    len(added),
                )
                % {"count": len(added)},
            )
        else:
            messages.info(self.request, _("Everyone you chose was already invited."))
        return redirect(self.round_url("invitees"))
