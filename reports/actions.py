"""Writes of the customer-room actions: what leadership agreed in a month's meeting, its owner and due
date, its status, and turning it into a roadmap milestone of competency 5 in one step."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from cco_portal.organizations.models import Membership, Organization
from metrics.months import month_index, month_label, month_start
from roadmap import services as roadmap_services
from roadmap.journey import selectors as journey_selectors
from roadmap.models import Competency, JourneyStage, Milestone, Touchpoint

from .models import ActionStatus, CustomerRoomAction

EDITABLE_FIELDS = frozenset({"title", "owner", "due_date", "status", "month", "journey_stage", "touchpoint"})
# The customer room is how competency 5 (one-company leadership, accountability and culture) is practised.
CUSTOMER_ROOM_COMPETENCY = 5


# Months an action may be agreed in: the portal's data starts in 1900, and a meeting is not held next year.
FIRST_MONTH = 1900 * 12


def _check(
    organization: Organization,
    *,
    title: str,
    owner,
    status: str,
    month: int | None = None,
    due_date=None,
    journey_stage=None,
    touchpoint=None,
) -> dict:
    errors = journey_selectors.place_errors(organization, journey_stage=journey_stage, touchpoint=touchpoint)
    if month is not None and not FIRST_MONTH <= month <= month_index(timezone.localdate()) + 1:
        errors["month"] = "Choose the month of a customer-room meeting: from 1900-01 to next month."
    elif month is not None and due_date is not None and due_date < month_start(month):
        errors["due_date"] = (
            f"It is due before the customer room of {month_label(month)} that agreed it; choose a later day."
        )
    if not title.strip():
        errors["title"] = "Say what was agreed, in a few words."
    if owner is not None and not Membership.objects.filter(organization=organization, user=owner).exists():
        errors["owner"] = f"{owner} is not a member of {organization.name}."
    if status not in ActionStatus.values:
        errors["status"] = f"Choose one of: {', '.join(ActionStatus.values)}."
    return errors


@transaction.atomic
def record_action(
    *,
    organization: Organization,
    month: int,
    title: str,
    created_by,
    owner=None,
    due_date: date | None = None,
    status: str = ActionStatus.OPEN,
    journey_stage: JourneyStage | None = None,
    touchpoint: Touchpoint | None = None,
) -> CustomerRoomAction:
    """Record an action leadership agreed in the customer room of `month`, pointing at a stage or touchpoint of
    the journey map if given."""
    place = {"journey_stage": journey_stage, "touchpoint": touchpoint}
    if errors := _check(organization, title=title, owner=owner, status=status, month=month, due_date=due_date, **place):
        raise ValidationError(errors)
    return CustomerRoomAction.objects.create(
        organization=organization,
        month=month,
        title=title.strip(),
        owner=owner,
        due_date=due_date,
        status=status,
        **place,
        closed_at=None if status == ActionStatus.OPEN else timezone.now(),
        created_by=created_by,
    )


def recording_warnings(action: CustomerRoomAction) -> list[str]:
    """What to tell whoever just recorded `action` without refusing it: a due date already past is allowed
    (an action agreed late is recorded late) but shows as overdue at once, which is rarely what was meant."""
    if action.is_overdue:
        return [
            gettext("It is due on %(day)s, which has passed, so it shows as overdue; change the date if it is not.")
            % {"day": date_format(action.due_date, "j M Y")}
        ]
    return []


@transaction.atomic
def update_action(*, action: CustomerRoomAction, **changes) -> CustomerRoomAction:
    """Change an action's title, owner, due date, status, month or place on the journey map; closing it (done or
    dropped) records when, so that the reports of the months up to then show it."""
    if refused := set(changes) - EDITABLE_FIELDS:
        raise ValidationError(gettext("These cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(refused))})
    action = CustomerRoomAction.objects.select_for_update().get(organization_id=action.organization_id, pk=action.pk)
    was_open = action.status == ActionStatus.OPEN
    for field, value in changes.items():
        setattr(action, field, value)
    if errors := _check(
        action.organization,
        title=action.title,
        owner=action.owner,
        status=action.status,
        month=action.month,
        due_date=action.due_date,
        journey_stage=action.journey_stage,
        touchpoint=action.touchpoint,
    ):
        raise ValidationError(errors)
    action.title = action.title.strip()
    if action.status == ActionStatus.OPEN:
        action.closed_at = None
    elif was_open:
        action.closed_at = timezone.now()
    action.save()
    return action


@transaction.atomic
def make_action_milestone(*, action: CustomerRoomAction, created_by) -> Milestone:
    """Turn an action into a milestone of competency 5 on the roadmap, with its title, owner and due date
    (through the roadmap's own service, which checks and emails the owner); once per action."""
    action = (
        CustomerRoomAction.objects.select_for_update()
        .select_related("organization")
        .get(organization_id=action.organization_id, pk=action.pk)
    )
    if action.milestone_id is not None:
        raise ValidationError(
            gettext("This action is already the milestone “%(title)s”.") % {"title": action.milestone}
        )
    milestone = roadmap_services.create_milestone(
        organization=action.organization,
        competency=Competency.objects.get(number=CUSTOMER_ROOM_COMPETENCY),
        title=action.title[:200],
        description=f"Agreed in the customer room of {month_label(action.month)}.",
        owner=action.owner,
        due_date=action.due_date,
        created_by=created_by,
        journey_stage=action.journey_stage,
        touchpoint=action.touchpoint,
    )
    action.milestone = milestone
    action.save(update_fields=["milestone", "updated_at"])
    return milestone
