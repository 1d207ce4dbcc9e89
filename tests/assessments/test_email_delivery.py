"""A round's emails whatever its title holds, and one invitee's refused address holding up nobody else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import reminders, tasks
from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def round_with_a_broken_title(organization, member_of):
    """An open round closing in three days, its title typed with a line break, and three invitees."""
    round_ = RoundFactory(
        organization=organization,
        title="Readiness,\r\nwinter",
        opens_on=TODAY - timedelta(days=10),
        closes_on=TODAY + timedelta(days=3),
    )
    for name in ("ann", "bob", "cy"):
        InviteeFactory(round=round_, user=member_of(Role.EXECUTIVE, email=f"{name}@example.com"))
    return round_


def test_a_line_break_in_a_round_title_stops_neither_its_invitations_nor_its_reminders(
    round_with_a_broken_title, mailoutbox, django_capture_on_commit_callbacks
):
    """The invitations and the scheduled reminders go to everyone, their subjects on one line."""
    # when
    invited = tasks.notify_invitees_task(round_with_a_broken_title.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reminded = reminders.send_due_reminders(today=TODAY)

    # then
    assert (invited, reminded) == (3, 3)
    assert len(mailoutbox) == 6
    assert all("“Readiness, winter”" in email.subject for email in mailoutbox)


def test_an_invitee_whose_email_fails_holds_up_nobody_else(
    round_with_a_broken_title, refusing_mail, mailoutbox, worker_retries
):
    """The server refuses bob for good: after the retries ann and cy are told about the round, bob's
    failure is recorded for the CCO, and nobody is told twice when the invitees are notified again."""
    # given
    refusing_mail.refuse("bob@example.com")

    # when
    tasks.notify_invitees_task(round_with_a_broken_title.pk)
    tasks.notify_invitees_task(round_with_a_broken_title.pk)

    # then
    assert sorted(email.to[0] for email in mailoutbox if "bob" not in email.to[0]) == [
        "ann@example.com",
        "cy@example.com",
    ]
    assert len(mailoutbox) == 2
    assert {event.target for event in AuditEvent.objects.filter(action=Action.EMAIL_UNDELIVERED)} == {"bob@example.com"}
