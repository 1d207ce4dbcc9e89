"""Rounds keep themselves going: scheduled reminders to those who have not answered, a nudge by hand, and a
closing date moved later or brought forward with the invitees told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import reminders, services
from assessments.models import Kind, Reminder, Round
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, ResponseFactory, RoundFactory
from tests.concurrency import run_together

TODAY = timezone.localdate()


@pytest.fixture
def round_closing_in_three_days(organization, member_of):
    """An open round closing in three days with three invitees, one of whom has submitted."""
    round_ = RoundFactory(
        organization=organization,
        title="Readiness, winter",
        opens_on=TODAY - timedelta(days=10),
        closes_on=TODAY + timedelta(days=3),
    )
    people = [member_of(Role.EXECUTIVE, email=f"{name}@example.com") for name in ("ann", "bob", "cy")]
    for person in people:
        InviteeFactory(round=round_, user=person)
    ResponseFactory(round=round_, respondent=people[2], submitted=True)
    return round_


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block queues for after its commit (the emails' tasks) at the block's end, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def page_url(name: str, round_: Round, **kwargs) -> str:
    return reverse(
        f"assessments:{name}", kwargs={"org_slug": round_.organization.slug, "round_id": round_.pk, **kwargs}
    )


def test_the_scheduled_reminder_goes_once_to_each_who_has_not_submitted(round_closing_in_three_days, committed):
    """Three days before closing, the invitees who have not submitted are reminded; running the sweep again
    (another beat, the next hour) sends nothing more."""
    # when
    with committed():
        first = reminders.send_due_reminders(today=TODAY)
    with committed():
        second = reminders.send_due_reminders(today=TODAY)

    # then
    assert (first, second) == (2, 0)
    assert recipients() == ["ann@example.com", "bob@example.com"]
    assert "still missing" in mail.outbox[0].body
    assert "Readiness, winter" in mail.outbox[0].subject
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def test_reminders_follow_the_rounds_schedule(round_closing_in_three_days):
    """Nothing goes on a day off the schedule; the last day (0) reminds again; a changed schedule is followed."""
    round_ = round_closing_in_three_days

    # when / then
    assert reminders.send_due_reminders(today=TODAY + timedelta(days=1)) == 0
    assert reminders.send_due_reminders(today=TODAY + timedelta(days=3)) == 2
    reminders.set_reminder_days(round_=round_, days_before=[1])
    assert reminders.send_due_reminders(today=TODAY + timedelta(days=2)) == 2
    assert reminders.send_due_reminders(today=round_.closes_on + timedelta(days=1)) == 0


def test_a_reminder_delivered_twice_or_after_an_answer_is_not_sent(round_closing_in_three_days, committed):
    """A task delivered a second time sends nothing, nor does one whose invitee submitted meanwhile."""
    # given
    with committed():
        reminders.send_due_reminders(today=TODAY)
    sent = Reminder.objects.filter(invitee__email="ann@example.com").get()
    bob = Reminder.objects.filter(invitee__email="bob@example.com").get()
    Reminder.objects.filter(pk=bob.pk).update(sent_at=None)
    ResponseFactory(round=bob.invitee.round, respondent=bob.invitee.user, submitted=True)
    mail.outbox.clear()

    # when
    again = reminders.send_reminder(reminder=sent)
    after_answer = reminders.send_reminder(reminder=Reminder.objects.get(pk=bob.pk))

    # then
    assert (again, after_answer) == (False, False)
    assert mail.outbox == []


def test_a_line_break_in_the_title_never_breaks_the_subject(round_closing_in_three_days, committed):
    """A round title holding a newline still makes a one-line subject; the reminder goes."""
    Round.objects.filter(pk=round_closing_in_three_days.pk).update(title="Readiness\nwinter\r\nedition")

    with committed():
        reminders.send_due_reminders(today=TODAY)

    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Acme Outfitters: a reminder to answer “Readiness winter edition” by " + (
        f"{round_closing_in_three_days.closes_on.day} {round_closing_in_three_days.closes_on:%B}"
    )


def test_the_cco_nudges_one_invitee_and_not_twice_in_a_day(round_closing_in_three_days, cco_user, committed):
    """The CCO reminds one person from the invitees page; a second nudge the same day is refused with when the
    last one went, and so is a nudge to someone who has submitted."""
    # given
    round_ = round_closing_in_three_days
    ann, cy = (round_.invitees.get(email=f"{name}@example.com") for name in ("ann", "cy"))
    client = Client()
    client.force_login(cco_user)

    # when
    with committed():
        first = client.post(page_url("nudge_invitee", round_, invitee_id=ann.pk), follow=True)
    again = client.post(page_url("nudge_invitee", round_, invitee_id=ann.pk), follow=True)
    answered = client.post(page_url("nudge_invitee", round_, invitee_id=cy.pk), follow=True)

    # then
    assert "A reminder is on its way to ann@example.com." in first.content.decode()
    assert "remind them again tomorrow" in again.content.decode()
    assert "cy@example.com has already submitted their answers." in answered.content.decode()
    assert recipients() == ["ann@example.com"]
    assert Reminder.objects.get().created_by == cco_user


def test_an_anonymous_round_is_nudged_without_naming_anyone(organization, member_of, cco_user, committed):
    """An anonymous round's invitees page has no per-person reminder, which would tell who has not answered;
    "remind everyone" reaches those who have not, and the API refuses to name one."""
    # given
    round_ = RoundFactory(organization=organization, is_anonymous=True)
    waiting, done = member_of(Role.EXECUTIVE), member_of(Role.EXECUTIVE)
    InviteeFactory(round=round_, user=waiting)
    done_invitee = InviteeFactory(round=round_, user=done)
    ResponseFactory(round=round_, respondent=done, submitted=True)
    client = Client()
    client.force_login(cco_user)
    api = APIClient()
    api.force_authenticate(cco_user)

    # when
    page = client.get(page_url("invitees", round_)).content.decode()
    with committed():
        nudged = client.post(page_url("nudge_waiting", round_), follow=True).content.decode()
    named = api.post(
        f"/api/v1/orgs/{organization.slug}/assessments/rounds/{round_.pk}/nudge/",
        {"invitee": done_invitee.pk},
        format="json",
    )

    # then
    assert page_url("nudge_waiting", round_) in page
    assert f"/invitees/{done_invitee.pk}/nudge/" not in page
    assert "A reminder is on its way to 1 person who has not answered." in nudged
    assert recipients() == [waiting.email]
    assert named.status_code == 400
    assert "anonymous" in str(named.json())


def test_extending_a_round_tells_those_who_have_not_answered(round_closing_in_three_days, cco_user, committed):
    """The CCO moves the closing date later; the round stays open until then and the invitees still waiting are
    told the new date. A date that is not later is refused, naming the problem."""
    # given
    round_ = round_closing_in_three_days
    later = round_.closes_on + timedelta(days=7)
    client = Client()
    client.force_login(cco_user)

    # when
    refused = client.post(page_url("extend", round_), {"closes_on": round_.closes_on.isoformat()}, follow=True)
    with committed():
        extended = client.post(page_url("extend", round_), {"closes_on": later.isoformat()}, follow=True)

    # then
    assert "Choose a day after the current closing date" in refused.content.decode()
    assert "those who have not answered are told by email" in extended.content.decode()
    round_.refresh_from_db()
    assert round_.closes_on == later
    assert round_.is_open
    assert recipients() == ["ann@example.com", "bob@example.com"]
    assert f"now stays open until {later.day} " in mail.outbox[0].body


def test_closing_early_stops_answers_and_tells_the_invitees(round_closing_in_three_days, cco_user, committed):
    """Closed now, the round takes no more answers, says so on its page, tells those still waiting, and can be
    opened again by extending it."""
    # given
    round_ = round_closing_in_three_days
    ann = round_.invitees.get(email="ann@example.com").user
    client = Client()
    client.force_login(cco_user)

    # when
    with committed():
        client.post(page_url("close", round_))
    round_.refresh_from_db()

    # then
    assert round_.has_closed
    assert not round_.is_open
    assert round_.closed_early_at is not None
    assert recipients() == ["ann@example.com", "bob@example.com"]
    with pytest.raises(services.ValidationError, match="answers can no longer change"):
        services.start_response(round_=round_, user=ann)
    assert "Closed early on" in client.get(page_url("invitees", round_)).content.decode()
    assert reminders.send_due_reminders(today=TODAY) == 0

    # and extended, it opens again
    reminders.extend_round(round_=round_, closes_on=TODAY + timedelta(days=2))
    round_.refresh_from_db()
    assert round_.is_open


def test_the_schedule_form_refuses_what_is_not_days(round_closing_in_three_days, cco_user):
    """ "7, 3, 0" sets the reminder days; words or days beyond 60 are refused with what to write instead."""
    round_ = round_closing_in_three_days
    client = Client()
    client.force_login(cco_user)

    words = client.post(page_url("reminder_days", round_), {"reminder_days": "three days"}, follow=True)
    too_far = client.post(page_url("reminder_days", round_), {"reminder_days": "90"}, follow=True)
    client.post(page_url("reminder_days", round_), {"reminder_days": "0, 7, 3"})

    assert "Write whole numbers of days" in words.content.decode()
    assert "Give days from 0 (the last day) to 60." in too_far.content.decode()
    round_.refresh_from_db()
    assert round_.reminder_days == [7, 3, 0]


def test_the_api_runs_the_same_calendar(organization, round_closing_in_three_days, cco_user, committed):
    """Through the API: the reminder days, a nudge of everyone waiting, an extension and an early close."""
    round_ = round_closing_in_three_days
    api = APIClient()
    api.force_authenticate(cco_user)
    base = f"/api/v1/orgs/{organization.slug}/assessments/rounds/{round_.pk}"

    days = api.post(f"{base}/reminders/", {"days": [2, 0, 2]}, format="json")
    with committed():
        nudge = api.post(f"{base}/nudge/", {}, format="json")
    later = (round_.closes_on + timedelta(days=1)).isoformat()
    extend = api.post(f"{base}/extend/", {"closes_on": later}, format="json")
    close = api.post(f"{base}/close/", format="json")
    again = api.post(f"{base}/close/", format="json")

    assert days.json()["reminder_days"] == [2, 0]
    assert nudge.json()["reminded"] == 2
    assert extend.json()["closes_on"] == later
    assert close.json()["is_open"] is False
    assert again.status_code == 400
    assert "Only an open round can be closed early." in str(again.json())


def test_a_commitment_review_is_reminded_like_a_readiness_round(organization, member_of, committed):
    """The CEO commitment reviews follow the same schedule."""
    ceo = member_of(Role.EXECUTIVE)
    review = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo, closes_on=TODAY)
    InviteeFactory(round=review, user=ceo)

    with committed():
        assert reminders.send_due_reminders(today=TODAY) == 1
    assert recipients() == [ceo.email]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_reminder_once(round_closing_in_three_days):
    """Two sweeps running at the same moment, as two beats would, on PostgreSQL: each person gets one
    reminder, held by the database's uniqueness rather than by luck."""
    if connection.vendor != "postgresql":
        pytest.fail("the service suite runs on PostgreSQL")

    outcomes = run_together({beat: lambda: reminders.send_due_reminders(today=TODAY) for beat in ("one", "two")})

    assert sorted(outcomes.values()) in ([0, 2], [1, 1])
    assert Reminder.objects.count() == 2
    assert recipients() == ["ann@example.com", "bob@example.com"]
