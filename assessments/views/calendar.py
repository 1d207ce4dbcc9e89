"""The CCO's hold on a round's calendar, from its invitees page: when reminders go, a nudge by hand, and the
closing date moved later or brought forward. Each is a form posted back to the invitees page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from cco_portal.organizations.roles import MANAGERS

from .. import reminders
from ..forms import ExtendRoundForm, ReminderDaysForm
from .base import RoundMixin


class RoundCalendarView(RoundMixin, View):
    """POST only; each subclass's `act()` does one thing and says what in a message. A refusal is shown on the
    invitees page, which is where every one of these forms lives."""

    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(self.round_url("invitees"))


class ReminderDaysView(RoundCalendarView):
    def act(self) -> str:
        form = ReminderDaysForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["reminder_days"])
        round_ = reminders.set_reminder_days(round_=self.round_, days_before=form.cleaned_data["reminder_days"])
        if not round_.reminder_days:
            return _("No reminders will be sent for this round.")
        return _("Reminders will go %(days)s day(s) before the closing date (0 is the last day).") % {
            "days": ", ".join(map(str, round_.reminder_days))
        }


class NudgeInviteeView(RoundCalendarView):
    def act(self) -> str:
        invitee = get_object_or_404(self.round_.invitees, pk=self.kwargs["invitee_id"])
        reminders.nudge_invitee(round_=self.round_, invitee=invitee, acting_user=self.request.user)
        return _("A reminder is on its way to %(person)s.") % {"person": invitee.email}


class NudgeWaitingView(RoundCalendarView):
    def act(self) -> str:
        count = reminders.nudge_waiting_invitees(round_=self.round_, acting_user=self.request.user)
        if not count:
            return _("Nobody to remind: everyone has answered or was reminded in the last day.")
        return ngettext(
            "A reminder is on its way to %(count)s person who has not answered.",
            "Reminders are on their way to %(count)s people who have not answered.",
            count,
        ) % {"count": count}


class ExtendRoundView(RoundCalendarView):
    def act(self) -> str:
        form = ExtendRoundForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["closes_on"])
        round_ = reminders.extend_round(round_=self.round_, closes_on=form.cleaned_data["closes_on"])
        return _("“%(round)s” is open until %(date)s; those who have not answered are told by email.") % {
            "round": round_.title,
            "date": date_format(round_.closes_on, "j F Y"),
        }


class CloseRoundView(RoundCalendarView):
    def act(self) -> str:
        round_ = reminders.close_round_early(round_=self.round_)
        return _("“%(round)s” is closed; those who had not answered are told by email.") % {"round": round_.title}
