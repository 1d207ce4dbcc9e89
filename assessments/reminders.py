"""Writes that keep a round going: reminders to those who have not answered (scheduled, or a nudge by hand),
and a round's closing date moved later or brought forward, with the invitees told.

Kept beside services.py, which opens rounds and records answers, because this is the round's calendar rather
than its answers. Every email is queued once its row is committed, and each person's mail is its own task, so
one address that fails stops nobody else's.
"""

from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cco_portal.emails import send_email

from .models import MAX_REMINDER_DAYS_BEFORE, Invitee, Reminder, Response, Round

# A nudge by hand waits this long after any reminder to the same person.
NUDGE_INTERVAL = timedelta(hours=20)


def send_due_reminders(*, today: date | None = None) -> int:
    """Queue today's scheduled reminders in every organization's open rounds: one per invitee who has not
    submitted, for each day of the round's schedule, never twice. Returns how many were queued."""
    today = today or timezone.localdate()
    # The daily sweep covers every organization on purpose.
    rounds = Round.objects.unscoped().filter(opens_on__lte=today, closes_on__gte=today, closed_early_at__isnull=True)
    queued = 0
    for round_ in rounds.select_related("organization"):
        days_before = (round_.closes_on - today).days
        if days_before in round_.reminder_days:
            for invitee in waiting_invitees(round_):
                queued += _schedule_reminder(invitee, days_before)
    return queued


def _schedule_reminder(invitee: Invitee, days_before: int) -> int:
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(invitee=invitee, days_before=days_before)
    except IntegrityError:
        return 0  # already queued, by this beat earlier or by another one
    _send_later(reminder)
    return 1


@transaction.atomic
def nudge_invitee(*, round_: Round, invitee: Invitee, acting_user) -> Reminder:
    """Remind one invitee by hand, now; refused when the round is not open, the person has answered, or
    was reminded less than a day ago."""
    if not round_.is_open:
        raise ValidationError(_("Only an open round's invitees can be reminded."))
    if invitee.round_id != round_.pk:
        raise ValidationError(_("This person is not invited to this round."))
    if invitee not in waiting_invitees(round_):
        raise ValidationError(_("%(person)s has already submitted their answers.") % {"person": invitee.email})
    latest = invitee.reminders.order_by("-created_at").first()
    if latest is not None and latest.created_at > timezone.now() - NUDGE_INTERVAL:
        raise ValidationError(
            _("%(person)s was reminded on %(when)s; remind them again tomorrow.")
            % {"person": invitee.email, "when": date_format(timezone.localtime(latest.created_at), "j F, H:i")}
        )
    reminder = Reminder.objects.create(invitee=invitee, created_by=acting_user)
    _send_later(reminder)
    return reminder


@transaction.atomic
def nudge_waiting_invitees(*, round_: Round, acting_user) -> int:
    """Remind by hand everyone who has not answered and was not reminded in the last day; how an anonymous
    round is nudged, since naming who has not answered would undo its anonymity. Returns how many."""
    if not round_.is_open:
        raise ValidationError(_("Only an open round's invitees can be reminded."))
    recently = timezone.now() - NUDGE_INTERVAL
    nudged = 0
    for invitee in waiting_invitees(round_):
        if not invitee.reminders.filter(created_at__gt=recently).exists():
            _send_later(Reminder.objects.create(invitee=invitee, created_by=acting_user))
            nudged += 1
    return nudged


@transaction.atomic
def set_reminder_days(*, round_: Round, days_before: list[int]) -> Round:
    """Change when a round's invitees are reminded: days before closing, 0 being the last day."""
    if any(day < 0 or day > MAX_REMINDER_DAYS_BEFORE for day in days_before):
        raise ValidationError(
            {"reminder_days": _("Give days from 0 (the last day) to %(max)s.") % {"max": MAX_REMINDER_DAYS_BEFORE}}
        )
    round_.reminder_days = sorted(set(days_before), reverse=True)
    round_.save(update_fields=["reminder_days"])
    return round_


@transaction.atomic
def extend_round(*, round_: Round, closes_on: date) -> Round:
    """Move the closing date later (a round that closed, early or on its date, opens again until then), and
    tell those who have not answered."""
    if closes_on <= round_.closes_on and round_.closed_early_at is None:
        raise ValidationError({"closes_on": _("Choose a day after the current closing date to extend the round.")})
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The new closing date has passed; choose today or a later day.")})
    round_.closes_on, round_.closed_early_at = closes_on, None
    round_.save(update_fields=["closes_on", "closed_early_at"])
    _tell_waiting_invitees(round_, "extended")
    return round_


@transaction.atomic
def close_round_early(*, round_: Round) -> Round:
    """Close an open round now, before its closing date, and tell those who have not answered."""
    if not round_.is_open:
        raise ValidationError(_("Only an open round can be closed early."))
    round_.closes_on, round_.closed_early_at = timezone.localdate(), timezone.now()
    round_.save(update_fields=["closes_on", "closed_early_at"])
    _tell_waiting_invitees(round_, "closed_early")
    return round_


def waiting_invitees(round_: Round) -> list[Invitee]:
    """The invitees who have not submitted their answers."""
    submitted = Response.objects.filter(round=round_, submitted_at__isnull=False)
    return list(
        round_.invitees.exclude(
            Q(user__in=submitted.values("respondent")) | Q(email__in=submitted.values("respondent__email"))
        ).order_by("email")
    )


def send_reminder(*, reminder: Reminder) -> bool:
    """Email one queued reminder, unless it went already (a task delivered twice) or the person has answered
    since; returns whether it was sent."""
    invitee = reminder.invitee
    round_ = invitee.round
    if reminder.sent_at is not None or not round_.is_open or invitee not in waiting_invitees(round_):
        return False
    _email(
        invitee,
        round_,
        _("%(organization)s: a reminder to answer “%(round)s” by %(date)s"),
        "assessments/email/round_reminder.txt",
    )
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return True


ROUND_CHANGES = {
    "extended": ("%(organization)s: “%(round)s” is open until %(date)s", "assessments/email/round_extended.txt"),
    "closed_early": ("%(organization)s: “%(round)s” has closed", "assessments/email/round_closed_early.txt"),
}


def send_round_change(*, invitee: Invitee, change: str) -> None:
    """Email one invitee that the round's closing date changed (`change`: a key of ROUND_CHANGES)."""
    subject, template = ROUND_CHANGES[change]
    _email(invitee, invitee.round, _(subject), template)


def _send_later(reminder: Reminder) -> None:
    from .tasks import send_reminder_task

    transaction.on_commit(lambda: send_reminder_task.delay(reminder.pk))


def _tell_waiting_invitees(round_: Round, change: str) -> None:
    from .tasks import send_round_change_task

    for invitee in waiting_invitees(round_):
        transaction.on_commit(partial(send_round_change_task.delay, invitee.pk, change))


def _email(invitee: Invitee, round_: Round, subject: str, template: str) -> None:
    url = settings.SITE_URL.rstrip("/") + round_.get_absolute_url()
    subject %= {
        "organization": round_.organization.name,
        "round": round_.title,
        "date": date_format(round_.closes_on, "j F"),
    }
    send_email(to=invitee.email, subject=subject, body=render_to_string(template, {"round": round_, "url": url}))
