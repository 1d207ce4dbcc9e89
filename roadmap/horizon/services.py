"""Writes of the five-year horizon: the CCO sets, changes or clears a competency's goal for a year of the path."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization

from ..models import Competency, Stage
from .models import FIRST_GOAL_YEAR, LAST_YEAR, YearlyGoal


@transaction.atomic
def set_yearly_goal(
    *,
    organization: Organization,
    competency: Competency,
    year: int,
    goal: str,
    set_by,
    target_stage: int | None = None,
) -> YearlyGoal | None:
    """Set what `competency` should reach by the end of `year` (2 to 5), and the stage it aims for; an empty goal
    clears the year. Audited as a roadmap change."""
    errors = {}
    if not FIRST_GOAL_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("Choose a year from 2 to 5: the milestones detail the first.")
    if target_stage is not None and target_stage not in Stage.values:
        errors["target_stage"] = _("Choose a stage from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    goal = goal.strip()
    existing = YearlyGoal.objects.for_organization(organization).filter(competency=competency, year=year)
    target = f"competency {competency.number} year {year}"
    if not goal:
        if existing.exists():
            existing.delete()
            record_event(
                action=Action.ROADMAP_GOAL_SET, organization=organization, actor=set_by, target=target, cleared=True
            )
        return None
    yearly, _created = YearlyGoal.objects.for_organization(organization).update_or_create(
        competency=competency,
        year=year,
        defaults={
            "organization": organization,
            "goal": goal,
            "target_stage": target_stage,
            "set_by": set_by,
            "set_at": timezone.now(),
        },
    )
    record_event(
        action=Action.ROADMAP_GOAL_SET,
        organization=organization,
        actor=set_by,
        target=target,
        target_stage=target_stage,
    )
    return yearly
