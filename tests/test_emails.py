"""Every email's subject is one line a mail header can hold, whatever the names and titles in it hold; a
refusal that passes is retried, one that stays is recorded and shown to the CCO, and stops no other email."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.emails import SUBJECT_LIMIT, one_line, send_email
from cco_portal.organizations.roles import Role
from roadmap import tasks as roadmap_tasks
from tests.roadmap.factories import MilestoneFactory


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Acme\nOutfitters: “Map the\r\njourney”", "Acme Outfitters: “Map the journey”"),
        ("Tabs\tand\x07bells\u2028and separators", "Tabs and bells and separators"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_a_subject_is_one_line(text, line):
    assert one_line(text) == line


def test_a_long_subject_is_cut_with_an_ellipsis():
    cut = one_line("word " * 100)
    assert len(cut) == SUBJECT_LIMIT
    assert cut.endswith("…")


def test_a_title_with_a_line_break_is_sent(settings):
    """Django refuses a header with a newline; the portal's sender makes it one line and the email goes."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    send_email(to="owner@example.com", subject="Globex\nEurope: “Listen\r\n” is overdue", body="Hello")

    assert [message.subject for message in mail.outbox] == ["Globex Europe: “Listen ” is overdue"]


# retries, and what is recorded when an email cannot be delivered


@pytest.fixture
def owner(member_of):
    return member_of(Role.EXECUTIVE, email="owner@example.com")


def test_a_refusal_that_passes_is_retried_until_the_email_goes(
    organization, owner, refusing_mail, mailoutbox, worker_retries
):
    """The server refuses twice, then accepts: the task's retries send the one email, and nothing is
    recorded as undelivered."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Agree the metrics", owner=owner)
    refusing_mail.refuse("owner@example.com", times=2)

    # when
    roadmap_tasks.notify_milestone_owner_task.delay(milestone.pk)

    # then
    assert refusing_mail.attempts == ["owner@example.com"] * 3
    assert [email.to for email in mailoutbox] == [["owner@example.com"]]
    assert not AuditEvent.objects.filter(action=Action.EMAIL_UNDELIVERED).exists()


def test_in_process_a_refused_address_stops_no_other_email(organization, member_of, refusing_mail, mailoutbox):
    """Without a worker (no broker: Celery runs tasks in-process and raises their errors), a retry would
    raise to the sweep that queued the email and stop every email after it: the refusal is recorded at
    once instead, and the sweep goes on."""
    # given
    yesterday = timezone.localdate() - timedelta(days=1)
    for name in ("ann", "bob", "cy"):
        owner = member_of(Role.EXECUTIVE, email=f"{name}@example.com")
        MilestoneFactory(organization=organization, title=f"Late for {name}", owner=owner, due_date=yesterday)
    refusing_mail.refuse("ann@example.com")

    # when
    reported = roadmap_tasks.notify_overdue_milestones_task()

    # then
    assert reported == 3
    assert sorted(email.to[0] for email in mailoutbox) == ["bob@example.com", "cy@example.com"]
    assert AuditEvent.objects.get(action=Action.EMAIL_UNDELIVERED).target == "ann@example.com"


def test_the_cco_and_admins_are_told_on_the_overview_and_executives_are_not(
    client, organization, owner, cco_user, admin_user, refusing_mail, clock
):
    """An undelivered email is listed on the organization's overview of its CCO and admins for two weeks;
    members who do not run the work do not see it."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Agree\nthe metrics", owner=owner)
    refusing_mail.refuse("owner@example.com")
    roadmap_tasks.notify_milestone_owner_task.delay(milestone.pk)
    overview = f"/o/{organization.slug}/"

    # when
    pages = {}
    for name, user in {"cco": cco_user, "admin": admin_user, "executive": owner}.items():
        client.force_login(user)
        pages[name] = client.get(overview).content.decode()
    clock.advance(days=15)
    client.force_login(cco_user)
    two_weeks_later = client.get(overview).content.decode()

    # then
    notice = "An email could not be delivered"
    assert notice in pages["cco"]
    assert notice in pages["admin"]
    assert "owner@example.com" in pages["cco"]
    assert "“Agree the metrics”" in pages["cco"]
    assert notice not in pages["executive"]
    assert notice not in two_weeks_later


def test_no_template_makes_a_possessive_of_a_name():
    """“Acme Outfitters's” is wrong, and a name can end in any letter: templates say “of Acme Outfitters”
    instead of adding 's to a name they do not know."""
    root = Path(__file__).resolve().parent.parent / "templates"
    possessives = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\}\}\s*['\u2019]s\b", line)
    ]

    assert possessives == []
