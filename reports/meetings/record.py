"""Writes of a meeting's record: the customer stories the CCO picks for it (agenda item 4), who attended, closing
it, and the corrections written after. A closed meeting takes no more edits anywhere (see refuse_if_closed, which
the other writes of the meeting call too); its minutes go to the invited leaders once it is closed, and a
correction is a new, dated entry beside the record, never a change to it. Each write is audited."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from metrics import selectors as metric_selectors
from metrics.months import month_label

from .models import Attendance, CustomerStory, Meeting, MinutesCorrection, StoryMovement

# A few stories, not a list: they put leaders in one customer's shoes at a time.
MAX_STORIES = 5


def refuse_if_closed(meeting: Meeting) -> None:
    """Every write to a meeting refuses once it is closed: the minutes stand, corrections are added beside."""
    if meeting.is_closed:
        raise ValidationError(_("This meeting is closed: its minutes stand. Add a correction instead."))


def _audit(meeting: Meeting, actor, change: str, **details) -> None:
    record_event(
        action=Action.MEETING_RECORD,
        organization=meeting.organization,
        actor=actor,
        target=str(meeting),
        change=change,
        **details,
    )


def locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting's row, locked: its record, proposals, rankings and decision are written one at a time."""
    return (
        Meeting.objects.select_for_update()
        .select_related("organization")
        .get(organization_id=meeting.organization_id, pk=meeting.pk)
    )


def refuse_unless_open(meeting: Meeting) -> None:
    refuse_if_closed(meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is cancelled."))


@transaction.atomic
def pick_story(
    *,
    meeting: Meeting,
    picked_by,
    customer: str,
    note: str = "",
    month: int | None = None,
    figure: str | None = None,
) -> CustomerStory:
    """Pick a customer who was lost, reactivated or decreased in the meeting's report month as one of its
    stories: its value month by month (as it stands now, kept for the minutes), its recorded reason, and a note.

    `month` and `figure`, when given, are those of the list behind a figure the customer was picked from: refused
    when the meeting discusses another month's report, or when the customer no longer moved so that month (the
    movements were computed again since the list was read)."""
    meeting = locked_meeting(meeting)
    refuse_unless_open(meeting)
    customer = customer.strip()
    if month is not None and month != meeting.report_month:
        raise ValidationError(
            _(
                "This meeting discusses the report of %(meeting_month)s, not %(month)s: pick its stories from the "
                "lists of %(meeting_month)s."
            )
            % {"meeting_month": meeting.report_month_label, "month": month_label(month)}
        )
    month = meeting.report_month
    stories = CustomerStory.objects.for_organization(meeting.organization).filter(meeting=meeting)
    if stories.filter(customer=customer).exists():
        raise ValidationError(
            {"customer": _("%(customer)s is already a story of this meeting.") % {"customer": customer}}
        )
    if stories.count() >= MAX_STORIES:
        raise ValidationError(
            _("A meeting tells at most %(count)s stories: remove one first.") % {"count": MAX_STORIES}
        )
    history = metric_selectors.customer_history(meeting.organization, customer, month)
    if history is None:
        raise ValidationError({"customer": _("No customer has the key %(customer)s.") % {"customer": customer}})
    if history.movement not in StoryMovement.values:
        raise ValidationError(
            {
                "customer": _(
                    "%(customer)s was not lost, reactivated or decreased in %(month)s: pick one from the lists "
                    "behind those figures."
                )
                % {"customer": customer, "month": month_label(month)}
            }
        )
    if figure is not None and history.movement != figure:
        raise ValidationError(
            {
                "customer": _(
                    "%(customer)s is no longer among the %(figure)s customers of %(month)s: the figures were "
                    "computed again since the list was shown."
                )
                % {
                    "customer": customer,
                    "figure": str(dict(StoryMovement.choices).get(figure, figure)).lower(),
                    "month": month_label(month),
                }
            }
        )
    story = CustomerStory.objects.create(
        organization=meeting.organization,
        meeting=meeting,
        customer=history.customer,
        segment=history.segment,
        movement=history.movement,
        reason=metric_selectors.reason_of(meeting.organization, history.customer, month) or "",
        note=note.strip(),
        history=[[month_label(m), value] for m, value in history.values],
        picked_by=picked_by,
    )
    _audit(meeting, picked_by, "story picked", customer=story.customer, movement=story.movement)
    return story


def _story(story: CustomerStory) -> CustomerStory:
    story = (
        CustomerStory.objects.select_for_update()
        .select_related("meeting__organization")
        .get(organization_id=story.organization_id, pk=story.pk)
    )
    refuse_unless_open(story.meeting)
    return story


@transaction.atomic
def write_story_note(*, story: CustomerStory, written_by, note: str) -> CustomerStory:
    """The CCO's note on a story, until the meeting is closed."""
    story = _story(story)
    story.note = note.strip()
    story.save(update_fields=["note", "updated_at"])
    _audit(story.meeting, written_by, "story note written", customer=story.customer)
    return story


@transaction.atomic
def remove_story(*, story: CustomerStory, removed_by) -> None:
    story = _story(story)
    _audit(story.meeting, removed_by, "story removed", customer=story.customer)
    story.delete()


@transaction.atomic
def record_attendance(*, meeting: Meeting, recorded_by, present: list) -> list[Attendance]:
    """Record who of the invited leaders came (`present`) and so who did not, once the meeting has started; it
    replaces the attendance recorded before, until the meeting is closed."""
    meeting = locked_meeting(meeting)
    refuse_unless_open(meeting)
    if not meeting.has_started:
        raise ValidationError(_("Attendance is recorded in the meeting: start it first."))
    invited = list(meeting.invited.all())
    invited_ids = {person.pk for person in invited}
    if outsiders := [person for person in present if person.pk not in invited_ids]:
        raise ValidationError(
            {
                "present": _("Not invited to this meeting: %(people)s.")
                % {"people": ", ".join(person.email for person in outsiders)}
            }
        )
    present_ids = {person.pk for person in present}
    Attendance.objects.for_organization(meeting.organization).filter(meeting=meeting).delete()
    rows = Attendance.objects.bulk_create(
        Attendance(organization=meeting.organization, meeting=meeting, user=person, present=person.pk in present_ids)
        for person in invited
    )
    _audit(
        meeting,
        recorded_by,
        "attendance recorded",
        present=sorted(person.email for person in invited if person.pk in present_ids),
        absent=sorted(person.email for person in invited if person.pk not in present_ids),
    )
    return rows


@transaction.atomic
def close_meeting(*, meeting: Meeting, closed_by, notify: bool = True) -> Meeting:
    """Close the meeting once the room has met and its attendance is recorded: it takes no more edits, and its
    minutes (attendance, decision, actions, stories) go to every invited leader as a PDF (unless not `notify`:
    the demo's sample meetings send nothing)."""
    meeting = locked_meeting(meeting)
    refuse_unless_open(meeting)
    if not meeting.has_started:
        raise ValidationError(_("A meeting is closed once the room has met: start it first."))
    if not Attendance.objects.for_organization(meeting.organization).filter(meeting=meeting).exists():
        raise ValidationError(_("Record who attended before closing the meeting: the minutes say it."))
    meeting.closed_at, meeting.closed_by = timezone.now(), closed_by
    meeting.save(update_fields=["closed_at", "closed_by", "updated_at"])
    _audit(meeting, closed_by, "meeting closed")
    if not notify:
        return meeting
    from ..tasks import send_minutes_email_task

    for user_id in meeting.invited.values_list("pk", flat=True):
        transaction.on_commit(partial(send_minutes_email_task.delay, meeting.pk, user_id), robust=True)
    return meeting


@transaction.atomic
def correct_minutes(*, meeting: Meeting, written_by, text: str) -> MinutesCorrection:
    """A correction to a closed meeting's minutes: a new entry, with who wrote it and when, shown in the minutes."""
    meeting = locked_meeting(meeting)
    if not meeting.is_closed:
        raise ValidationError(_("The meeting is still open: change the record itself instead."))
    if not text.strip():
        raise ValidationError({"text": _("Say what the minutes should have said.")})
    correction = MinutesCorrection.objects.create(
        organization=meeting.organization, meeting=meeting, text=text.strip(), written_by=written_by
    )
    _audit(meeting, written_by, "minutes corrected", text=correction.text[:200])
    return correction
