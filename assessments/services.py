"""Writes of the assessments: opening rounds, inviting people, recording and submitting answers."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cco_portal.emails import send_email
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import Role
from cco_portal.organizations.services import invite_member

from .models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Invitee,
    Kind,
    Question,
    Questionnaire,
    Response,
    Round,
    comment_too_long_message,
)

User = get_user_model()


@transaction.atomic
def open_round(
    *,
    organization: Organization,
    kind: str,
    title: str,
    opens_on: date,
    closes_on: date,
    invitees: Iterable = (),
    invitee_emails: Iterable[str] = (),
    is_anonymous: bool = False,
    ceo=None,
    created_by=None,
) -> Round:
    """Open a round of the current questionnaire of `kind` and invite people to answer it.

    `invitees` are members; `invitee_emails` may be anyone: an address that has no member behind it is
    invited to join the organization as an executive and can answer once it has. A CEO commitment review
    needs its CEO, who is always invited.
    """
    errors = {}
    title = title.strip()
    if not title:
        errors["title"] = "Give the round a title, such as “Readiness, spring 2027”."
    if closes_on < opens_on:
        errors["closes_on"] = "The closing date must be on or after the opening date."
    elif closes_on < timezone.localdate():
        errors["closes_on"] = "The closing date has passed; choose today or a later day."
    if kind == Kind.COMMITMENT and ceo is None:
        errors["ceo"] = "Choose the CEO whose self-view this review records."
    if kind == Kind.COMMITMENT and is_anonymous:
        errors["is_anonymous"] = (
            "A CEO commitment review sets the CEO's view beside the leaders'; it cannot be anonymous."
        )
    members = {user.pk: user for user in invitees}
    if ceo is not None:
        members[ceo.pk] = ceo
    outsiders = [user for user in members.values() if not _is_member(organization, user)]
    if outsiders:
        errors["invitees"] = f"Not members of {organization.name}: {', '.join(u.email for u in outsiders)}."
    emails = {email.strip().lower() for email in invitee_emails if email.strip()} - {u.email for u in members.values()}
    if not members and not emails:
        errors["invitees"] = "Invite at least one person to answer."
    if errors:
        raise ValidationError(errors)

    round_ = Round.objects.create(
        organization=organization,
        questionnaire=Questionnaire.objects.current(kind),
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        is_anonymous=is_anonymous,
        ceo=ceo,
        created_by=created_by,
    )
    _add_invitees(round_, users=members.values(), emails=emails, invited_by=created_by)
    return round_


def _is_member(organization: Organization, user) -> bool:
    return Membership.objects.filter(organization=organization, user=user).exists()


def _add_invitees(round_: Round, *, users: Iterable, emails: Iterable[str], invited_by) -> list[Invitee]:
    from .tasks import notify_invitees_task

    known = {user.email.lower(): user for user in users}
    for user in User.objects.filter(
        memberships__organization=round_.organization, email__in=[e.lower() for e in emails]
    ).distinct():
        known[user.email.lower()] = user
    already = set(round_.invitees.values_list("email", flat=True))
    new = [Invitee(round=round_, email=email, user=user) for email, user in known.items() if email not in already]
    for email in sorted(set(emails) - set(known) - already):
        invite_member(organization=round_.organization, email=email, role=Role.EXECUTIVE, invited_by=invited_by)
        new.append(Invitee(round=round_, email=email))
    Invitee.objects.bulk_create(new)
    transaction.on_commit(lambda: notify_invitees_task.delay(round_.pk))
    return new


@transaction.atomic
def invite_to_round(*, round_: Round, invitees: Iterable = (), invitee_emails: Iterable[str] = (), invited_by=None):
    """Invite more people to a round that has not closed."""
    if round_.has_closed:
        raise ValidationError(_("This round has closed; open a new round to ask again."))
    outsiders = [user for user in invitees if not _is_member(round_.organization, user)]
    if outsiders:
        raise ValidationError(
            _("Not members of %(organization)s: %(emails)s.")
            % {"organization": round_.organization.name, "emails": ", ".join(u.email for u in outsiders)}
        )
    emails = {email.strip().lower() for email in invitee_emails if email.strip()}
    return _add_invitees(round_, users=invitees, emails=emails, invited_by=invited_by)


def pending_invitees(round_: Round) -> list[Invitee]:
    """The invitees not yet told about the round."""
    return list(round_.invitees.filter(notified_at__isnull=True))


def notify_invitee(*, invitee: Invitee) -> None:
    """Email one invitee about the round, once: a second delivery of the task sends nothing."""
    from django.conf import settings
    from django.template.loader import render_to_string

    if invitee.notified_at is not None:
        return
    round_ = invitee.round
    url = settings.SITE_URL.rstrip("/") + round_.get_absolute_url()
    send_email(
        to=invitee.email,
        subject=f"{round_.organization.name}: please answer “{round_.title}” by {round_.closes_on:%-d %B}",
        body=render_to_string("assessments/email/round_invitation.txt", {"round": round_, "url": url}),
    )
    invitee.notified_at = timezone.now()
    invitee.save(update_fields=["notified_at"])


def is_invited(round_: Round, user) -> bool:
    return round_.invitees.filter(Q(user=user) | Q(email__iexact=user.email)).exists()


def _answerable_response(round_: Round, user) -> Response:
    """The user's response, locked against a concurrent submit; refuses what may not be answered."""
    if not is_invited(round_, user):
        raise ValidationError(_("You are not invited to answer this round."))
    if not round_.has_opened:
        raise ValidationError(_("This round opens on %(day)s.") % {"day": date_format(round_.opens_on, "j F Y")})
    if round_.has_closed:
        raise ValidationError(
            _("This round closed on %(day)s; answers can no longer change.")
            % {"day": date_format(round_.closes_on, "j F Y")}
        )
    try:
        with transaction.atomic():
            Response.objects.get_or_create(round=round_, respondent=user)
    except IntegrityError:
        pass  # a concurrent request created it first; the locked read below finds it
    response = Response.objects.select_for_update().get(round=round_, respondent=user)
    if response.is_submitted:
        raise ValidationError(_("You have already submitted your answers to this round; they can no longer change."))
    return response


@transaction.atomic
def start_response(*, round_: Round, user) -> Response:
    """Begin (or resume) answering: the response exists from the first visit, so progress is kept."""
    return _answerable_response(round_, user)


@transaction.atomic
def record_answer(*, round_: Round, user, question: Question, choice: str, comment: str = "") -> Answer:
    """Save one answer as it is given; answering again replaces it until the response is submitted."""
    response = _answerable_response(round_, user)
    if question.questionnaire_id != round_.questionnaire_id:
        raise ValidationError(_("This question does not belong to this round."))
    if choice not in round_.questionnaire.choices:
        allowed = " or ".join(c.label for c in round_.questionnaire.choices)
        raise ValidationError(_("Answer %(allowed)s.") % {"allowed": allowed})
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(comment_too_long_message(question.number, len(comment)))
    answer, _created = Answer.objects.update_or_create(
        response=response, question=question, defaults={"choice": choice, "comment": comment}
    )
    return answer


@transaction.atomic
def record_answers(*, round_: Round, user, answers: list[tuple[Question, str, str]]) -> list[Answer]:
    """Save a page of answers, given as (question, choice, comment), together or not at all. The round is
    checked even when there is nothing to save, so a stale page of a closed or submitted round says so."""
    _answerable_response(round_, user)
    return [
        record_answer(round_=round_, user=user, question=question, choice=choice, comment=comment)
        for question, choice, comment in answers
    ]


@transaction.atomic
def submit_response(*, round_: Round, user) -> Response:
    """Make the answers final; every question needs an answer first."""
    response = _answerable_response(round_, user)
    answered = set(response.answers.values_list("question__number", flat=True))
    missing = [n for n in round_.questionnaire.questions.values_list("number", flat=True) if n not in answered]
    if missing:
        raise ValidationError(
            _("Answer every question before you submit; still open: %(numbers)s.")
            % {"numbers": ", ".join(map(str, missing))}
        )
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at"])
    return response
