"""A meeting's record: the customer stories the CCO picks from the drill-down of the report month, who attended,
closing the meeting (after which it refuses every edit), the minutes emailed to the invited leaders with the PDF,
and corrections added as new, dated entries."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from metrics.models import LostReason
from metrics.months import parse_month_label
from reports.meetings import decision, minutes, record, selectors, services
from reports.meetings.models import MinutesCorrection
from tests.reports.conftest import load_history
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db

APRIL = parse_month_label("2024-04")
LEADER = {Role.LEADERSHIP}


@pytest.fixture
def lee(member_of):
    return member_of(Role.LEADERSHIP, email="lee@example.com", full_name="Lee Leader")


@pytest.fixture
def eve(member_of):
    return member_of(Role.EXECUTIVE, email="eve@example.com", full_name="Eve Executive")


@pytest.fixture
def meeting(organization, cco_user, lee, eve):
    """The meeting on the report of April 2024 (held in May 2024, so it has begun), with customer data: in April
    Ann decreased (150 to 90) and Bob was lost."""
    load_history(organization)
    set_series(organization, invited=[lee, eve])
    return services.schedule_meeting(organization=organization, report_month=APRIL, scheduled_by=cco_user)


def closed(meeting, cco_user, lee, eve, django_capture_on_commit_callbacks):
    record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[lee])
    with django_capture_on_commit_callbacks(execute=True):
        return record.close_meeting(meeting=meeting, closed_by=cco_user)


def test_a_story_keeps_the_customers_history_its_reason_and_the_note(meeting, organization, cco_user):
    """Given Bob lost in April with the reason "price", when the CCO picks him, then the story holds his value month
    by month for the year up to April (50 in January, nothing in February, 70 in March, nothing in April), the
    movement, the reason and the note; Ann, who decreased, can be a story too."""
    LostReason.objects.create(
        organization=organization, customer=organization.customers.get(external_id="bob"), month=APRIL, reason="price"
    )

    story = record.pick_story(meeting=meeting, picked_by=cco_user, customer=" bob ", note="Left for a cheaper offer.")
    ann = record.pick_story(meeting=meeting, picked_by=cco_user, customer="ann")

    assert (story.customer, story.movement, story.reason, story.note) == (
        "bob",
        "lost",
        "price",
        "Left for a cheaper offer.",
    )
    assert len(story.history) == 13
    assert story.history[-1] == ["2024-04", 0]
    assert story.history[-4:] == [["2024-01", 500000], ["2024-02", 0], ["2024-03", 700000], ["2024-04", 0]]
    assert ann.movement == "decreased"
    assert ann.history[-2:] == [["2024-03", 1500000], ["2024-04", 900000]]
    assert [s.customer for s in selectors.stories(meeting)] == ["bob", "ann"]
    assert AuditEvent.objects.filter(action=Action.MEETING_RECORD, details__change="story picked").count() == 2


def test_a_story_is_a_lost_reactivated_or_decreased_customer_of_the_month(meeting, cco_user):
    """A customer who did not move that way in the report's month, or no customer at all, is refused with how to
    find one; the same customer is a story once."""
    with pytest.raises(ValidationError, match="pick one from the lists"):
        record.pick_story(meeting=meeting, picked_by=cco_user, customer="cy")  # never active
    with pytest.raises(ValidationError, match="No customer has the key"):
        record.pick_story(meeting=meeting, picked_by=cco_user, customer="nobody")
    record.pick_story(meeting=meeting, picked_by=cco_user, customer="bob")
    with pytest.raises(ValidationError, match="already a story"):
        record.pick_story(meeting=meeting, picked_by=cco_user, customer="bob")


def test_attendance_is_recorded_for_every_invited_leader(meeting, cco_user, lee, eve, member_of):
    """Present are those ticked, the other invited absent; recording again replaces it; someone not invited is
    refused."""
    assert [(line.person, line.present) for line in selectors.attendance(meeting)] == [(eve, None), (lee, None)]

    record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[lee])
    assert [(line.person, line.present) for line in selectors.attendance(meeting)] == [(eve, False), (lee, True)]
    record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[lee, eve])
    assert [line.present for line in selectors.attendance(meeting)] == [True, True]

    with pytest.raises(ValidationError, match="Not invited"):
        record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[member_of(Role.LEADERSHIP)])


def test_a_meeting_is_closed_only_once_attendance_is_recorded(meeting, cco_user):
    with pytest.raises(ValidationError, match="Record who attended"):
        record.close_meeting(meeting=meeting, closed_by=cco_user)
    assert not meeting.__class__.objects.get(pk=meeting.pk).is_closed


def test_a_closed_meeting_refuses_every_edit(meeting, cco_user, lee, eve, django_capture_on_commit_callbacks):
    """Once closed, stories, notes, attendance, candidates, rankings, the decision, moving, cancelling and
    closing again are all refused with the same reason, and nothing changes."""
    candidate = decision.propose_candidate(meeting=meeting, proposed_by=lee, roles=LEADER, title="Call Bob")
    story = record.pick_story(meeting=meeting, picked_by=cco_user, customer="bob")
    closed(meeting, cco_user, lee, eve, django_capture_on_commit_callbacks)

    edits = [
        lambda: record.pick_story(meeting=meeting, picked_by=cco_user, customer="ann"),
        lambda: record.write_story_note(story=story, written_by=cco_user, note="Later"),
        lambda: record.remove_story(story=story, removed_by=cco_user),
        lambda: record.record_attendance(meeting=meeting, recorded_by=cco_user, present=[eve]),
        lambda: record.close_meeting(meeting=meeting, closed_by=cco_user),
        lambda: decision.propose_candidate(meeting=meeting, proposed_by=lee, roles=LEADER, title="More"),
        lambda: decision.change_candidate(candidate=candidate, user=lee, title="Changed"),
        lambda: decision.withdraw_candidate(candidate=candidate, user=lee),
        lambda: decision.rank_candidates(meeting=meeting, user=lee, roles=LEADER, candidate_ids=[candidate.pk]),
        lambda: decision.record_decision(
            meeting=meeting,
            decided_by=cco_user,
            agreed=[{"candidate": candidate, "owner": lee, "due_date": date(2099, 1, 31)}],
        ),
        lambda: services.cancel_meeting(meeting=meeting, cancelled_by=cco_user),
        lambda: services.reschedule_meeting(
            meeting=meeting, changed_by=cco_user, starts_at=meeting.starts_at + timedelta(days=400), duration_minutes=60
        ),
    ]
    for edit in edits:
        with pytest.raises(ValidationError, match="This meeting is closed"):
            edit()
    story.refresh_from_db()
    candidate.refresh_from_db()
    assert (story.note, candidate.title, candidate.status) == ("", "Call Bob", "proposed")
    assert [line.present for line in selectors.attendance(meeting)] == [False, True]


def test_a_correction_is_a_new_dated_entry_shown_in_the_minutes(
    meeting, cco_user, lee, eve, django_capture_on_commit_callbacks
):
    """Before closing, a correction is refused (the record itself changes); after, it is added with who wrote it
    and when, and the minutes' page and PDF context show it."""
    with pytest.raises(ValidationError, match="still open"):
        record.correct_minutes(meeting=meeting, written_by=cco_user, text="Eve was there")
    closed(meeting, cco_user, lee, eve, django_capture_on_commit_callbacks)

    correction = record.correct_minutes(meeting=meeting, written_by=cco_user, text="  Eve joined late.  ")

    assert (correction.text, correction.written_by, correction.written_at is not None) == (
        "Eve joined late.",
        cco_user,
        True,
    )
    assert minutes.minutes_context(meeting)["corrections"] == [correction]
    with pytest.raises(ValidationError, match="Say what"):
        record.correct_minutes(meeting=meeting, written_by=cco_user, text="  ")
    assert MinutesCorrection.objects.count() == 1


def test_closing_emails_the_minutes_pdf_to_the_invited_leaders(
    meeting, cco_user, lee, eve, mailoutbox, django_capture_on_commit_callbacks
):
    """Closing sends each invited leader (and nobody else) one email with the minutes as a PDF attached, which
    names the attendance, the decision and the story."""
    candidate = decision.propose_candidate(
        meeting=meeting, proposed_by=lee, roles=LEADER, title="Call every lost customer"
    )
    decision.record_decision(
        meeting=meeting,
        decided_by=cco_user,
        agreed=[{"candidate": candidate, "owner": eve, "due_date": date(2024, 6, 30)}],
    )
    record.pick_story(meeting=meeting, picked_by=cco_user, customer="bob", note="Price")

    closed(meeting, cco_user, lee, eve, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mailoutbox) == ["eve@example.com", "lee@example.com"]
    message = mailoutbox[0]
    assert "Minutes" in message.subject
    assert "2024-04" in message.subject
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("acme-customer-room-minutes-2024-04.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    meeting.refresh_from_db()
    html = minutes.render_minutes_html(meeting)
    for expected in ("Lee Leader", "Present", "Absent", "Call every lost customer", "bob", "Price"):
        assert expected in html
