"""Writes of the roadmap: maturity stages, operational areas, milestones and their dependency rules."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.emails import send_email
from cco_portal.organizations.models import Membership, Organization
from cco_portal.transactions import atomic_with_retry

from .journey import selectors as journey_selectors
from .journey import services as journey_services
from .models import (
    Competency,
    JourneyStage,
    JourneyVersion,
    MaturityAssessment,
    Milestone,
    OperationalArea,
    Status,
    Touchpoint,
)
from .starter import STARTER_MILESTONES

# What the owner of a milestone may change without being cco or admin.
OWNER_FIELDS = frozenset({"status", "percent_complete", "notes", "blocked_reason"})
EDITABLE_FIELDS = frozenset(
    {"competency", "title", "description", "owner", "start_date", "due_date", "override_reason"}
    | {"journey_stage", "touchpoint"}
    | OWNER_FIELDS
)


def set_maturity_stage(
    *, organization: Organization, competency: Competency, stage: int, note: str, assessed_by
) -> MaturityAssessment:
    """Record the organization's maturity in a competency, with the dated note that explains it."""
    if not note.strip():
        raise ValidationError(
            {"note": _("Say in a sentence why this is the stage: what is in place, what is missing.")}
        )
    assessment = MaturityAssessment(
        organization=organization, competency=competency, stage=stage, note=note.strip(), assessed_by=assessed_by
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def add_operational_area(*, organization: Organization, name: str) -> OperationalArea:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the area a name, such as Sales or Operations.")})
    if OperationalArea.objects.for_organization(organization).filter(name__iexact=name).exists():
        raise ValidationError({"name": _("%(name)s is already on the list.") % {"name": name}})
    return OperationalArea.objects.create(organization=organization, name=name)


@transaction.atomic
def rename_operational_area(*, area: OperationalArea, name: str, changed_by=None) -> OperationalArea:
    """Rename an area; once the journey map has begun, the map it owns touchpoints on is a new version."""
    _lock_organization(area.organization)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the area a name, such as Sales or Operations.")})
    if (
        OperationalArea.objects.for_organization(area.organization)
        .filter(name__iexact=name)
        .exclude(pk=area.pk)
        .exists()
    ):
        raise ValidationError({"name": _("%(name)s is already on the list.") % {"name": name}})
    old_name = area.name
    area.name = name
    area.save(update_fields=["name"])
    if name != old_name:
        _record_map_version(
            area.organization, changed_by, _("Area %(old)s renamed %(new)s") % {"old": old_name, "new": name}
        )
    return area


@transaction.atomic
def remove_operational_area(*, area: OperationalArea, changed_by=None) -> None:
    """Remove an area from the list; milestones that involved it simply no longer name it, and touchpoints it
    owned wait for a new owner on the journey map (a new version, once the map has begun)."""
    organization, name = area.organization, area.name
    _lock_organization(organization)
    area.delete()
    _record_map_version(organization, changed_by, _("Area %(name)s removed") % {"name": name})


def _lock_organization(organization: Organization) -> None:
    """Taken before the area's row, in the order the journey map's writes take them, so that they never wait
    for each other in a circle; it also numbers the map's versions one after the other."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


def _record_map_version(organization: Organization, changed_by, change: str) -> None:
    """The journey map names the areas and their leaders: a change of an area is a version of a map that has
    begun. Before it has, there is no map to keep a version of."""
    if JourneyVersion.objects.for_organization(organization).exists():
        journey_services.record_version(organization=organization, changed_by=changed_by, change=change)


def _check_same_organization(
    organization: Organization, *, owner=None, areas=(), dependencies=(), journey_stage=None, touchpoint=None
) -> dict:
    errors = journey_selectors.place_errors(organization, journey_stage=journey_stage, touchpoint=touchpoint)
    if owner is not None and not Membership.objects.filter(organization=organization, user=owner).exists():
        errors["owner"] = f"{owner} is not a member of {organization.name}."
    if any(area.organization_id != organization.pk for area in areas):
        errors["areas"] = "Choose operational areas of this organization."
    if any(dependency.organization_id != organization.pk for dependency in dependencies):
        errors["dependencies"] = "A milestone can only depend on milestones of the same organization."
    return errors


def _dependency_cycle(milestone: Milestone, dependencies: Iterable[Milestone]) -> list[str] | None:
    """The titles of the chain from a new dependency back to `milestone`, if the dependencies would close a loop."""
    edges: dict[int, list[int]] = {}
    through = Milestone.dependencies.through.objects.filter(from_milestone__organization=milestone.organization_id)
    for from_id, to_id in through.values_list("from_milestone_id", "to_milestone_id"):
        edges.setdefault(from_id, []).append(to_id)
    for start in dependencies:
        # Depth-first from the new dependency, following what it depends on; reaching `milestone` is a loop.
        stack = [start.pk]
        parents: dict[int, int | None] = {start.pk: None}  # how the search reached each milestone
        while stack:
            current = stack.pop()
            if current == milestone.pk:
                chain: list[int] = []
                node: int | None = current
                while node is not None:
                    chain.append(node)
                    node = parents[node]
                milestones = Milestone.objects.filter(organization_id=milestone.organization_id, pk__in=chain)
                titles = dict(milestones.values_list("pk", "title"))
                return [titles[pk] for pk in reversed(chain)]
            for following in edges.get(current, []):
                if following not in parents:
                    parents[following] = current
                    stack.append(following)
    return None


# The range of dates a milestone may have: the five-year roadmap, with room on either side, never year 9999.
FIRST_DAY = date(1900, 1, 1)


def _last_day() -> date:
    return timezone.localdate().replace(month=12, day=31) + timedelta(days=10 * 366)


def _validate(
    milestone: Milestone, dependencies: list[Milestone] | None, *, may_override: bool, was_done: bool = False
) -> None:
    errors = {}
    if milestone.status == Status.BLOCKED and not milestone.blocked_reason.strip():
        errors["blocked_reason"] = "Say what blocks the milestone, so someone can unblock it."
    for field in ("start_date", "due_date"):
        if (day := getattr(milestone, field)) is not None and not FIRST_DAY <= day <= _last_day():
            errors[field] = (
                f"{day:%Y-%m-%d} is outside the roadmap; choose a day from {FIRST_DAY:%Y} to {_last_day():%Y}."
            )
    if milestone.start_date and milestone.due_date and milestone.due_date < milestone.start_date:
        errors.setdefault("due_date", "The due date must be on or after the start date.")
    deps = dependencies if dependencies is not None else (list(milestone.dependencies.all()) if milestone.pk else [])
    if milestone.due_date and "due_date" not in errors and dependencies is not None:
        # A milestone cannot be done before what it waits for: its due date comes on or after theirs.
        later = [dep for dep in deps if dep.due_date and dep.due_date > milestone.due_date]
        if later:
            errors["due_date"] = (
                "It is due before milestones it depends on: "
                + ", ".join(f"“{dep.title}” (due {dep.due_date:%-d %B %Y})" for dep in later)
                + ". Move its due date, or theirs."
            )
    if milestone.pk and any(dep.pk == milestone.pk for dep in deps):
        errors["dependencies"] = "A milestone cannot depend on itself."
    elif milestone.pk and dependencies is not None and (chain := _dependency_cycle(milestone, dependencies)):
        errors["dependencies"] = (
            "That would make a loop: " + " → ".join([milestone.title, *chain]) + ". Remove one of these dependencies."
        )
    # Checked when a milestone becomes done or its dependencies change, so that a milestone done by an
    # override, or before a dependency reopened, can still take notes and other edits.
    if milestone.status == Status.DONE and not (was_done and dependencies is None):
        unfinished = [dep.title for dep in deps if dep.status != Status.DONE]
        if unfinished and not (may_override and milestone.override_reason.strip()):
            errors["status"] = (
                f"It depends on milestones that are not done: {', '.join(unfinished)}. Finish them first"
                + (", or give a reason to override." if may_override else ", or ask the CCO to override.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_milestone(
    *,
    organization: Organization,
    competency: Competency,
    title: str,
    created_by,
    description: str = "",
    owner=None,
    areas: Iterable[OperationalArea] = (),
    start_date: date | None = None,
    due_date: date | None = None,
    status: str = Status.PLANNED,
    percent_complete: int = 0,
    blocked_reason: str = "",
    override_reason: str = "",
    notes: str = "",
    dependencies: Iterable[Milestone] = (),
    journey_stage: JourneyStage | None = None,
    touchpoint: Touchpoint | None = None,
) -> Milestone:
    """Add a milestone to a competency, pointing at a stage or touchpoint of the journey map if given; its owner
    is emailed once the milestone is saved."""
    areas, dependencies = list(areas), list(dependencies)
    if errors := _check_same_organization(
        organization,
        owner=owner,
        areas=areas,
        dependencies=dependencies,
        journey_stage=journey_stage,
        touchpoint=touchpoint,
    ):
        raise ValidationError(errors)
    milestone = Milestone(
        organization=organization,
        competency=competency,
        title=title.strip(),
        description=description,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        status=status,
        percent_complete=100 if status == Status.DONE else percent_complete,
        blocked_reason=blocked_reason if status == Status.BLOCKED else "",
        override_reason=override_reason,
        notes=notes,
        journey_stage=journey_stage,
        touchpoint=touchpoint,
        created_by=created_by,
    )
    # The check constraints guard the database; _validate states the same rules in words people read.
    milestone.full_clean(exclude=["organization", "competency", "owner", "created_by"], validate_constraints=False)
    _validate(milestone, dependencies, may_override=True)
    milestone._history_user = created_by
    milestone.save()
    milestone.areas.set(areas)
    milestone.dependencies.set(dependencies)
    if owner is not None and owner != created_by:
        _notify_assignment_on_commit(milestone)
    return milestone


@atomic_with_retry
def update_milestone(
    *,
    milestone: Milestone,
    changed_by,
    may_edit_all: bool,
    areas: Iterable[OperationalArea] | None = None,
    dependencies: Iterable[Milestone] | None = None,
    **changes,
) -> Milestone:
    """Change a milestone. Owners who are not cco or admin (`may_edit_all` false) may change only
    status, percent complete, notes and the blocked reason; only cco and admin override a dependency."""
    if dependencies is not None:
        # Loops are checked against the dependencies of every milestone: two changes at once would each pass
        # the check and together close a loop. The organization's row lock makes them one after the other,
        # and, taken before any milestone's, keeps them from deadlocking each other.
        Organization.objects.select_for_update().filter(pk=milestone.organization_id).first()
    milestone = Milestone.objects.select_for_update().get(organization_id=milestone.organization_id, pk=milestone.pk)
    allowed = EDITABLE_FIELDS if may_edit_all else OWNER_FIELDS
    refused = set(changes) - allowed
    if not may_edit_all and (areas is not None or dependencies is not None):
        refused.add("areas" if areas is not None else "dependencies")
    if refused:
        raise ValidationError(
            _("You may not change: %(fields)s. Ask the CCO.") % {"fields": ", ".join(sorted(refused))}
        )
    areas = list(areas) if areas is not None else None
    dependencies = list(dependencies) if dependencies is not None else None
    owner_before = milestone.owner_id
    due_before = milestone.due_date
    was_done = milestone.is_done
    if errors := _check_same_organization(
        milestone.organization,
        owner=changes.get("owner"),
        areas=areas or [],
        dependencies=dependencies or [],
        journey_stage=changes.get("journey_stage", milestone.journey_stage),
        touchpoint=changes.get("touchpoint", milestone.touchpoint),
    ):
        raise ValidationError(errors)

    for field, value in changes.items():
        setattr(milestone, field, value)
    if milestone.status == Status.DONE:
        milestone.percent_complete = 100
    if milestone.status != Status.BLOCKED:
        milestone.blocked_reason = ""
    if milestone.due_date != due_before:
        milestone.overdue_notified_at = None  # a new due date may become overdue again, and deserves its own email
    milestone.full_clean(exclude=["organization", "competency", "owner", "created_by"], validate_constraints=False)
    _validate(milestone, dependencies, may_override=may_edit_all, was_done=was_done)
    milestone._history_user = changed_by
    milestone.save()
    if areas is not None:
        milestone.areas.set(areas)
    if dependencies is not None:
        milestone.dependencies.set(dependencies)
    if milestone.owner_id and milestone.owner_id != owner_before and milestone.owner != changed_by:
        _notify_assignment_on_commit(milestone)
    return milestone


@transaction.atomic
def delete_milestone(*, milestone: Milestone, deleted_by) -> None:
    milestone._history_user = deleted_by
    milestone.delete()


def _notify_assignment_on_commit(milestone: Milestone) -> None:
    from .tasks import notify_milestone_owner_task

    transaction.on_commit(lambda: notify_milestone_owner_task.delay(milestone.pk))


def milestone_url(milestone: Milestone) -> str:
    return settings.SITE_URL.rstrip("/") + milestone.get_absolute_url()


def notify_milestone_owner(*, milestone: Milestone) -> None:
    """Tell the owner a milestone is now theirs."""
    if milestone.owner is None:
        return
    send_email(
        to=milestone.owner.email,
        subject=f"{milestone.organization.name}: milestone “{milestone.title}” is yours",
        body=render_to_string("roadmap/email/assigned.txt", {"milestone": milestone, "url": milestone_url(milestone)}),
    )


def claim_overdue_milestones(*, today: date | None = None) -> list[Milestone]:
    """The milestones whose owners are to be told, once, that they became overdue, claimed for that here.

    Safe to run twice a day or twice at once: a milestone is claimed by setting overdue_notified_at in the
    same statement that checks it was still unset. Each owner's email then goes on its own (the task), so one
    that fails stops nobody else's.
    """
    today = today or timezone.localdate()
    candidates = (
        # A daily sweep over every organization's roadmap.
        Milestone.objects.unscoped()
        .overdue(today)
        .filter(owner__isnull=False, overdue_notified_at__isnull=True)
        .select_related("owner", "organization", "competency")
    )
    claimed = []
    for milestone in candidates:
        if Milestone.objects.filter(
            organization_id=milestone.organization_id, pk=milestone.pk, overdue_notified_at__isnull=True
        ).update(overdue_notified_at=timezone.now()):
            claimed.append(milestone)
    return claimed


def release_overdue_claims(milestones: list[Milestone]) -> None:
    """Give back the claims of milestones whose emails could not be queued, for the next sweep to take."""
    for milestone in milestones:
        Milestone.objects.filter(organization_id=milestone.organization_id, pk=milestone.pk).update(
            overdue_notified_at=None
        )


def notify_overdue_owner(*, milestone: Milestone, today: date | None = None) -> None:
    """Tell the owner their milestone is overdue; a milestone whose owner was removed since has nobody to tell."""
    if milestone.owner is None:
        return
    send_email(
        to=milestone.owner.email,
        subject=f"{milestone.organization.name}: “{milestone.title}” is overdue",
        body=render_to_string(
            "roadmap/email/overdue.txt",
            {"milestone": milestone, "url": milestone_url(milestone), "today": today or timezone.localdate()},
        ),
    )


@transaction.atomic
def apply_starter_roadmap(*, organization: Organization, created_by, start: date | None = None) -> list[Milestone]:
    """Add the starter milestones of each competency, dated from `start`; ones already there are left alone.

    The CCO then edits them: they are a first draft written from the method, not a plan.
    """
    start = start or timezone.localdate()
    competencies = {c.number: c for c in Competency.objects.all()}
    existing = set(Milestone.objects.for_organization(organization).values_list("title", flat=True))
    created: dict[str, Milestone] = {}
    for item in STARTER_MILESTONES:
        if item.title in existing:
            continue
        milestone = Milestone(
            organization=organization,
            competency=competencies[item.competency],
            title=item.title,
            description=item.description,
            start_date=start + timedelta(weeks=item.starts_after_weeks),
            due_date=start + timedelta(weeks=item.starts_after_weeks + item.lasts_weeks),
            created_by=created_by,
        )
        milestone._history_user = created_by
        milestone.save()
        created[item.title] = milestone
    for item in STARTER_MILESTONES:
        if item.title in created and item.depends_on:
            created[item.title].dependencies.set(
                Milestone.objects.for_organization(organization).filter(title__in=item.depends_on)
            )
    return list(created.values())
