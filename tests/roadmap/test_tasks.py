"""The roadmap's emails and scheduled work: assignment emails after the commit, the daily overdue email
sent once per due date, the tasks that send them, and the beat schedule that runs the daily one."""

import threading
from datetime import UTC, date, datetime, timedelta
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from kombu.exceptions import OperationalError as BrokerError

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.celery import app as celery_app
from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role
from roadmap import services, tasks
from roadmap.models import Milestone, Status
from tests.roadmap.factories import MilestoneFactory, competency

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 14)


@pytest.fixture
def frozen(clock):
    """The clock stopped on 14 March 2025, mid-morning."""
    clock.current = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    return clock


@pytest.fixture
def owner(member_of):
    return member_of(Role.EXECUTIVE, email="owner@example.com", full_name="Olive Owner")


def refused(callable_, **kwargs) -> None:
    """Call a service that is expected to refuse."""
    with pytest.raises(ValidationError):
        callable_(**kwargs)


# assignment emails


def test_the_owner_is_emailed_after_the_milestone_is_created(
    organization, cco_user, owner, mailoutbox, django_capture_on_commit_callbacks
):
    """The email waits for the commit and links to the milestone."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        milestone = services.create_milestone(
            organization=organization,
            competency=competency(1),
            title="Agree the metrics",
            owner=owner,
            due_date=TODAY,
            created_by=cco_user,
        )
        sent_before_commit = len(mailoutbox)

    # then
    assert sent_before_commit == 0
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["owner@example.com"]
    assert email.subject == "Acme Outfitters: milestone “Agree the metrics” is yours"
    assert milestone.get_absolute_url() in email.body
    assert "It is due on 14 March 2025." in email.body


def test_nobody_is_emailed_about_a_milestone_they_gave_themselves(
    organization, cco_user, mailoutbox, django_capture_on_commit_callbacks
):
    """The CCO who creates a milestone for themselves already knows."""
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.create_milestone(
            organization=organization, competency=competency(1), title="Mine", owner=cco_user, created_by=cco_user
        )

    # then
    assert callbacks == []
    assert mailoutbox == []


def test_a_new_owner_is_emailed_and_an_unchanged_owner_is_not(
    organization, cco_user, owner, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    """Changing the owner emails the new owner once; other changes, and taking it oneself, email nobody."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Feed", owner=owner)
    successor = member_of(Role.LEADERSHIP, email="successor@example.com")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, title="Data feed")
    emails_after_rename = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, owner=successor)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, owner=cco_user)

    # then
    assert emails_after_rename == 0
    assert [email.to for email in mailoutbox] == [["successor@example.com"]]


def test_no_assignment_email_when_the_change_is_refused(
    organization, cco_user, owner, mailoutbox, django_capture_on_commit_callbacks
):
    """A refused change sends nothing: the email was never scheduled."""
    # given
    milestone = MilestoneFactory(organization=organization)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refused(
            services.update_milestone,
            milestone=milestone,
            changed_by=cco_user,
            may_edit_all=True,
            owner=owner,
            status=Status.BLOCKED,
        )

    # then
    assert callbacks == []
    assert mailoutbox == []


# overdue emails


def test_notify_overdue_milestones_emails_each_owner_once(organization, owner, mailoutbox, frozen):
    """Run twice on the same day: one email per overdue milestone with an owner, none for the rest."""
    # given
    yesterday = TODAY - timedelta(days=1)
    late = MilestoneFactory(organization=organization, title="Late", owner=owner, due_date=yesterday)
    MilestoneFactory(organization=organization, title="Due today", owner=owner, due_date=TODAY)
    MilestoneFactory(organization=organization, title="Done late", owner=owner, due_date=yesterday, done=True)
    MilestoneFactory(organization=organization, title="Nobody's", due_date=yesterday)

    # when
    first = tasks.notify_overdue_milestones_task()
    second = tasks.notify_overdue_milestones_task()

    # then
    assert (first, second) == (1, 0)
    assert [(email.to, email.subject) for email in mailoutbox] == [
        (["owner@example.com"], "Acme Outfitters: “Late” is overdue")
    ]
    assert "was due on 13 March 2025" in mailoutbox[0].body
    late.refresh_from_db()
    assert late.overdue_notified_at == frozen()


def test_an_overdue_email_that_fails_to_send_is_sent_by_the_retry(organization, owner, mailoutbox, frozen, monkeypatch):
    """The mail server refuses once: the owner's own task tries again and the email goes, once."""
    # given
    late = MilestoneFactory(organization=organization, title="Late", owner=owner, due_date=TODAY - timedelta(days=1))
    send_email, attempts = services.send_email, []

    def refuse_once(**kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise SMTPException("451 try again later")
        return send_email(**kwargs)

    monkeypatch.setattr(services, "send_email", refuse_once)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)

    # when
    reported = tasks.notify_overdue_milestones_task()

    # then
    late.refresh_from_db()
    assert (reported, len(attempts)) == (1, 2)
    assert [email.subject for email in mailoutbox] == ["Acme Outfitters: “Late” is overdue"]
    assert late.overdue_notified_at == frozen()


def test_overdue_emails_the_broker_could_not_take_are_queued_by_the_next_sweep(
    organization, owner, mailoutbox, frozen, monkeypatch
):
    """The broker is out of reach for the second of three emails: it and the third are given back, so the
    next sweep sends those two, and nobody gets an email twice."""
    # given
    yesterday = TODAY - timedelta(days=1)
    for n in range(3):
        MilestoneFactory(organization=organization, title=f"Late {n}", owner=owner, due_date=yesterday)
    delay, calls = tasks.notify_overdue_owner_task.delay, []

    def unreachable_once(*args):
        calls.append(args)
        if len(calls) == 2:
            raise BrokerError("Connection refused")
        return delay(*args)

    monkeypatch.setattr(tasks.notify_overdue_owner_task, "delay", unreachable_once)

    # when
    with pytest.raises(BrokerError):
        tasks.notify_overdue_milestones_task()
    next_sweep = tasks.notify_overdue_milestones_task()

    # then
    assert next_sweep == 2
    assert sorted(email.subject for email in mailoutbox) == [
        f"Acme Outfitters: “Late {n}” is overdue" for n in range(3)
    ]


def test_one_title_or_one_address_never_stops_the_other_emails(
    organization, other_organization, owner, member_of, mailoutbox, monkeypatch
):
    """A line break in a title and in an organization's name makes a one-line subject; an address the mail
    server keeps refusing is retried, then recorded as undelivered in its organization's audit log, and every
    other owner, in every organization, still gets their email. (A newline once stopped the sweep for all.)"""
    # given
    Organization.objects.filter(pk=other_organization.pk).update(name="Globex\nEurope")
    other_owner = member_of(Role.EXECUTIVE, org=other_organization, email="other@example.com")
    refused = member_of(Role.EXECUTIVE, email="refused@example.com")
    yesterday = TODAY - timedelta(days=1)
    MilestoneFactory(organization=organization, title="Map the\r\njourney", owner=owner, due_date=yesterday)
    MilestoneFactory(organization=organization, title="Refused", owner=refused, due_date=yesterday)
    MilestoneFactory(organization=other_organization, title="Listen", owner=other_owner, due_date=yesterday)
    send_email = services.send_email

    def refuse_one_address(**kwargs):
        if kwargs["to"] == "refused@example.com":
            raise SMTPException("550 mailbox unavailable")
        return send_email(**kwargs)

    monkeypatch.setattr(services, "send_email", refuse_one_address)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)

    # when
    tasks.notify_overdue_milestones_task()

    # then
    assert sorted((email.to[0], email.subject) for email in mailoutbox) == [
        ("other@example.com", "Globex Europe: “Listen” is overdue"),
        ("owner@example.com", "Acme Outfitters: “Map the journey” is overdue"),
    ]
    (undelivered,) = AuditEvent.objects.filter(action=Action.EMAIL_UNDELIVERED)
    assert (undelivered.organization, undelivered.target) == (organization, "refused@example.com")
    assert "550 mailbox unavailable" in undelivered.details["reason"]


def test_a_new_due_date_rearms_the_overdue_email(organization, cco_user, owner, mailoutbox, clock):
    """Once reported, a milestone given a new due date is reported again when that one passes too."""
    # given
    clock.current = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    milestone = MilestoneFactory(organization=organization, owner=owner, due_date=date(2025, 3, 10))
    tasks.notify_overdue_milestones_task()

    # when
    services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, due_date=date(2025, 3, 20))
    reported_before_the_new_date = tasks.notify_overdue_milestones_task()
    clock.advance(days=7)
    reported_after_it = tasks.notify_overdue_milestones_task()

    # then
    assert (reported_before_the_new_date, reported_after_it) == (0, 1)
    assert len(mailoutbox) == 2
    assert "was due on 20 March 2025" in mailoutbox[1].body


def test_other_changes_do_not_rearm_the_overdue_email(organization, owner, mailoutbox, frozen):
    """Progress on a reported milestone does not bring the same email back."""
    # given
    milestone = MilestoneFactory(organization=organization, owner=owner, due_date=date(2025, 3, 1))
    tasks.notify_overdue_milestones_task()

    # when
    services.update_milestone(milestone=milestone, changed_by=owner, may_edit_all=False, percent_complete=80)
    reported = tasks.notify_overdue_milestones_task()

    # then
    assert reported == 0
    assert len(mailoutbox) == 1


@pytest.mark.services
def test_two_simultaneous_overdue_runs_send_one_email_per_milestone(transactional_db, organization, owner, mailoutbox):
    """Two workers running the daily job at once: each overdue milestone is claimed by exactly one of them.

    PostgreSQL runs each thread on its own connection; the claim is an UPDATE that checks the milestone
    was not claimed yet, so the second run to reach a milestone sees the first one's claim and skips it.
    """
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL's row locks: set DATABASE_URL=postgres://…", pytrace=False)
    # given
    overdue = [
        MilestoneFactory(organization=organization, owner=owner, title=f"Late {n}", due_date=TODAY) for n in range(12)
    ]
    barrier = threading.Barrier(2, timeout=30)
    reported: list[int | Exception] = []

    def run():
        try:
            barrier.wait()
            reported.append(len(services.claim_overdue_milestones(today=TODAY + timedelta(days=1))))
        except Exception as error:  # reported by the assertions below
            reported.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then
    assert not any(thread.is_alive() for thread in threads), "a run did not finish"
    assert all(isinstance(count, int) for count in reported), reported
    assert sum(reported) == len(overdue)
    assert not Milestone.objects.filter(overdue_notified_at__isnull=True).exists()


# the tasks


def test_notify_milestone_owner_task_emails_the_current_owner(organization, owner, mailoutbox):
    """The task loads the milestone by id and emails whoever owns it now."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Agree the metrics", owner=owner)

    # when
    tasks.notify_milestone_owner_task.delay(milestone.pk)

    # then
    assert [(email.to, email.subject) for email in mailoutbox] == [
        (["owner@example.com"], "Acme Outfitters: milestone “Agree the metrics” is yours")
    ]


def test_notify_milestone_owner_task_sends_nothing_for_a_gone_milestone_or_owner(organization, mailoutbox):
    """Deleted in the meantime, or left without owner: nothing to say, and no error to retry."""
    # given
    ownerless = MilestoneFactory(organization=organization)

    # when
    tasks.notify_milestone_owner_task.delay(ownerless.pk + 1000)
    tasks.notify_milestone_owner_task.delay(ownerless.pk)

    # then
    assert mailoutbox == []


def test_notify_overdue_milestones_task_reports_how_many_it_emailed(organization, owner, mailoutbox, frozen):
    """The daily task runs the service for today and returns the count."""
    # given
    MilestoneFactory(organization=organization, owner=owner, due_date=TODAY - timedelta(days=2))
    MilestoneFactory(organization=organization, owner=owner, due_date=TODAY - timedelta(days=1))

    # when
    result = tasks.notify_overdue_milestones_task.delay()

    # then
    assert result.get() == 2
    assert len(mailoutbox) == 2


def test_the_beat_schedule_names_tasks_the_worker_knows():
    """Every scheduled task name is registered once the worker has discovered the apps' tasks."""
    # given
    celery_app.loader.import_default_modules()

    # when
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    # then
    assert "roadmap.tasks.notify_overdue_milestones_task" in scheduled
    assert scheduled <= set(celery_app.tasks)


def test_the_cco_sees_the_emails_that_could_not_be_delivered(organization, cco_user, member_of, client, monkeypatch):
    """An overdue email refused to the end is listed on the organization's overview for the CCO, with whom it
    was for and why; an executive's overview does not list it."""
    refused = member_of(Role.EXECUTIVE, email="refused@example.com")
    MilestoneFactory(organization=organization, title="Refused", owner=refused, due_date=TODAY - timedelta(days=1))

    def refuse(**kwargs):
        raise SMTPException("550 mailbox unavailable")

    monkeypatch.setattr(services, "send_email", refuse)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    tasks.notify_overdue_milestones_task()

    client.force_login(cco_user)
    for_cco = client.get(f"/o/{organization.slug}/").content.decode()
    client.force_login(refused)
    for_executive = client.get(f"/o/{organization.slug}/").content.decode()

    assert "An email could not be delivered in the last two weeks" in for_cco
    assert "refused@example.com" in for_cco
    assert "550 mailbox unavailable" in for_cco
    assert "could not be delivered" not in for_executive
