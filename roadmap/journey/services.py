"""Writes of the journey map: stages, touchpoints, the areas' leaders, and a version after every change.

Every change takes the organization's row lock, so that two changes at once number their versions one after the
other and each version's snapshot is the map that change left."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Membership, Organization

from ..models import OperationalArea
from . import selectors
from .models import JourneyStage, JourneyVersion, Priority, PriorityStance, PriorityStatus, Stance, Touchpoint

# The journey most organizations start from (issue 18), for the CCO to rename, reorder and complete.
EXAMPLE_STAGES = [
    gettext_lazy("Choose"),
    gettext_lazy("Buy"),
    gettext_lazy("Get started"),
    gettext_lazy("Use"),
    gettext_lazy("Get help"),
    gettext_lazy("Renew"),
]
TOUCHPOINT_FIELDS = frozenset({"name", "area", "stage", "position"})


def _locked(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def record_version(*, organization: Organization, changed_by, change: str) -> JourneyVersion:
    """Keep the map as it stands now as its next version, and audit the change. Called by every write of the
    map, inside its transaction and after the organization's row lock."""
    latest = JourneyVersion.objects.for_organization(organization).aggregate(number=Max("number"))["number"]
    version = JourneyVersion.objects.create(
        organization=organization,
        number=(latest or 0) + 1,
        change=change[:255],
        snapshot=selectors.map_snapshot(organization),
        changed_by=changed_by,
    )
    record_event(
        action=Action.JOURNEY_CHANGED,
        organization=organization,
        actor=changed_by,
        target=f"journey map version {version.number}",
        change=version.change,
    )
    return version


def _clean_name(name: str, field: str = "name") -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({field: _("Give it a name.")})
    return name


def _renumber(rows: list, moved=None, position: int | None = None) -> None:
    """Number `rows` 1, 2, … in their order, with `moved` put at `position` (counted from 1, clamped)."""
    if moved is not None:
        rows = [row for row in rows if row.pk != moved.pk]
        index = min(max((position or len(rows) + 1) - 1, 0), len(rows))
        rows.insert(index, moved)
    for number, row in enumerate(rows, start=1):
        if row.position != number:
            row.position = number
            row.save(update_fields=["position"])


def _stage_rows(organization: Organization) -> list[JourneyStage]:
    return list(JourneyStage.objects.for_organization(organization).select_for_update().order_by("position", "pk"))


def _touchpoint_rows(stage: JourneyStage) -> list[Touchpoint]:
    return list(
        Touchpoint.objects.for_organization(stage.organization)
        .filter(stage=stage)
        .select_for_update()
        .order_by("position", "pk")
    )


def _check_stage_name(organization: Organization, name: str, stage: JourneyStage | None = None) -> None:
    same = JourneyStage.objects.for_organization(organization).filter(name__iexact=name)
    if stage is not None:
        same = same.exclude(pk=stage.pk)
    if same.exists():
        raise ValidationError({"name": _("%(name)s is already a stage of the map.") % {"name": name}})


def _own(organization: Organization, row, field: str, message: str) -> None:
    """Refuse a row of another organization as if it did not exist."""
    if row is not None and row.organization_id != organization.pk:
        raise ValidationError({field: message})


@transaction.atomic
def start_with_example_stages(*, organization: Organization, changed_by) -> list[JourneyStage]:
    """Begin an empty map with the six example stages, in one version. Refused once the map has stages."""
    organization = _locked(organization)
    if JourneyStage.objects.for_organization(organization).exists():
        raise ValidationError(_("The map already has stages: add, rename or move them one by one."))
    created = [
        JourneyStage.objects.create(organization=organization, name=str(name), position=number)
        for number, name in enumerate(EXAMPLE_STAGES, start=1)
    ]
    record_version(organization=organization, changed_by=changed_by, change=_("Started with the example stages"))
    return created


@transaction.atomic
def add_stage(*, organization: Organization, name: str, changed_by, position: int | None = None) -> JourneyStage:
    """Add a stage at `position` (from 1), or after the last one."""
    organization = _locked(organization)
    name = _clean_name(name)
    _check_stage_name(organization, name)
    rows = _stage_rows(organization)
    stage = JourneyStage.objects.create(organization=organization, name=name, position=len(rows) + 1)
    _renumber(rows, stage, position)
    record_version(
        organization=organization, changed_by=changed_by, change=_("Stage “%(name)s” added") % {"name": name}
    )
    return stage


@transaction.atomic
def update_stage(
    *, stage: JourneyStage, changed_by, name: str | None = None, position: int | None = None
) -> JourneyStage:
    """Rename a stage, move it to `position` (from 1), or both; a change that changes nothing records nothing."""
    organization = _locked(stage.organization)
    stage = JourneyStage.objects.for_organization(organization).select_for_update().get(pk=stage.pk)
    changes = []
    if name is not None:
        name = _clean_name(name)
        if name != stage.name:
            _check_stage_name(organization, name, stage)
            changes.append(_("Stage “%(old)s” renamed “%(new)s”") % {"old": stage.name, "new": name})
            stage.name = name
            stage.save(update_fields=["name"])
    if position is not None and position != stage.position:
        _renumber(_stage_rows(organization), stage, position)
        changes.append(_("Stage “%(name)s” moved to place %(position)s") % {"name": stage.name, "position": position})
    if changes:
        stage.refresh_from_db(fields=["position"])
        record_version(organization=organization, changed_by=changed_by, change="; ".join(changes))
    return stage


@transaction.atomic
def remove_stage(*, stage: JourneyStage, changed_by) -> None:
    """Remove a stage and its touchpoints; the versions keep them. Milestones that pointed at them no longer do."""
    organization = _locked(stage.organization)
    name = stage.name
    stage.delete()
    _renumber(_stage_rows(organization))
    record_version(
        organization=organization, changed_by=changed_by, change=_("Stage “%(name)s” removed") % {"name": name}
    )


def _check_touchpoint_refs(organization: Organization, *, stage=None, area=None) -> None:
    _own(organization, stage, "stage", _("Choose a stage of this organization's map."))
    _own(organization, area, "area", _("Choose an operational area of this organization."))


@transaction.atomic
def add_touchpoint(
    *,
    organization: Organization,
    stage: JourneyStage,
    name: str,
    changed_by,
    area: OperationalArea | None = None,
    position: int | None = None,
) -> Touchpoint:
    """Add a touchpoint to a stage, owned by `area`, at `position` within the stage or after its last one."""
    _check_touchpoint_refs(organization, stage=stage, area=area)
    organization = _locked(organization)
    name = _clean_name(name)
    rows = _touchpoint_rows(stage)
    touchpoint = Touchpoint.objects.create(
        organization=organization, stage=stage, name=name, area=area, position=len(rows) + 1
    )
    _renumber(rows, touchpoint, position)
    record_version(
        organization=organization,
        changed_by=changed_by,
        change=_("Touchpoint “%(name)s” added to “%(stage)s”") % {"name": name, "stage": stage.name},
    )
    return touchpoint


@transaction.atomic
def update_touchpoint(*, touchpoint: Touchpoint, changed_by, **changes) -> Touchpoint:
    """Change a touchpoint's name, owning area, stage or place (from 1) within its stage; a touchpoint moved to
    another stage goes after its last one unless a place is given."""
    if refused := set(changes) - TOUCHPOINT_FIELDS:
        raise ValidationError(_("These cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(refused))})
    organization = touchpoint.organization
    _check_touchpoint_refs(organization, stage=changes.get("stage"), area=changes.get("area"))
    organization = _locked(organization)
    touchpoint = Touchpoint.objects.for_organization(organization).select_related("stage", "area").get(pk=touchpoint.pk)
    said = []
    if "name" in changes and (name := _clean_name(changes["name"])) != touchpoint.name:
        said.append(_("Touchpoint “%(old)s” renamed “%(new)s”") % {"old": touchpoint.name, "new": name})
        touchpoint.name = name
        touchpoint.save(update_fields=["name"])
    if "area" in changes and changes["area"] != touchpoint.area:
        area = changes["area"]
        said.append(
            _("“%(name)s” now owned by %(area)s") % {"name": touchpoint.name, "area": area.name}
            if area
            else _("“%(name)s” has no owning area") % {"name": touchpoint.name}
        )
        touchpoint.area = area
        touchpoint.save(update_fields=["area"])
    new_stage = changes.get("stage") or touchpoint.stage
    position = changes.get("position")
    if new_stage != touchpoint.stage:
        old_stage = touchpoint.stage
        touchpoint.stage = new_stage
        touchpoint.position = len(_touchpoint_rows(new_stage)) + 1
        touchpoint.save(update_fields=["stage", "position"])
        _renumber(_touchpoint_rows(old_stage))
        _renumber(_touchpoint_rows(new_stage), touchpoint, position)
        said.append(_("“%(name)s” moved to “%(stage)s”") % {"name": touchpoint.name, "stage": new_stage.name})
    elif position is not None and position != touchpoint.position:
        _renumber(_touchpoint_rows(new_stage), touchpoint, position)
        said.append(_("“%(name)s” moved to place %(position)s") % {"name": touchpoint.name, "position": position})
    if said:
        touchpoint.refresh_from_db(fields=["position"])
        record_version(organization=organization, changed_by=changed_by, change="; ".join(said))
    return touchpoint


@transaction.atomic
def remove_touchpoint(*, touchpoint: Touchpoint, changed_by) -> None:
    """Remove a touchpoint; the versions keep it. Milestones that pointed at it no longer do."""
    organization = _locked(touchpoint.organization)
    stage, name = touchpoint.stage, touchpoint.name
    touchpoint.delete()
    _renumber(_touchpoint_rows(stage))
    record_version(
        organization=organization,
        changed_by=changed_by,
        change=_("Touchpoint “%(name)s” removed from “%(stage)s”") % {"name": name, "stage": stage.name},
    )


@transaction.atomic
def set_area_leader(*, area: OperationalArea, leader, changed_by) -> OperationalArea:
    """Name the one member who leads an area, or nobody. A member of another organization is refused."""
    organization = _locked(area.organization)
    if leader is not None and not Membership.objects.for_organization(organization).filter(user=leader).exists():
        raise ValidationError({"leader": _("Choose a member of this organization.")})
    area = OperationalArea.objects.for_organization(organization).select_for_update().get(pk=area.pk)
    if area.leader_id == (leader.pk if leader else None):
        return area
    area.leader = leader
    area.save(update_fields=["leader"])
    change = (
        _("%(leader)s leads %(area)s") % {"leader": leader.display_name, "area": area.name}
        if leader
        else _("%(area)s has no leader") % {"area": area.name}
    )
    record_version(organization=organization, changed_by=changed_by, change=change)
    return area


def _audit_priority(priority: Priority, actor, change: str, **details) -> None:
    record_event(
        action=Action.JOURNEY_CHANGED,
        organization=priority.organization,
        actor=actor,
        target=f"journey priority {priority.pk}",
        change=change,
        **details,
    )


@transaction.atomic
def propose_priority(
    *, organization: Organization, touchpoint: Touchpoint, experience: str, proposed_by, roles
) -> Priority:
    """A leader puts an experience at a touchpoint on the table, for every leader to commit to or dissent from."""
    if not selectors.can_take_part(roles):
        raise PermissionDenied(_("Leaders propose priorities."))
    _own(organization, touchpoint, "touchpoint", _("Choose a touchpoint of this organization's map."))
    experience = " ".join(experience.split())
    if not experience:
        raise ValidationError({"experience": _("Say what the customer should experience at this touchpoint.")})
    priority = Priority.objects.create(
        organization=organization, touchpoint=touchpoint, experience=experience, proposed_by=proposed_by
    )
    _audit_priority(priority, proposed_by, "priority proposed")
    return priority


def _open_priority(organization: Organization, priority: Priority) -> Priority:
    """The priority's row, locked, refused once decided: stances and decisions come one after the other."""
    priority = Priority.objects.for_organization(organization).select_for_update().get(pk=priority.pk)
    if not priority.is_open:
        raise ValidationError(_("This priority is decided: propose it again to reopen the discussion."))
    return priority


@transaction.atomic
def set_stance(
    *, organization: Organization, priority: Priority, user, roles, stance: str, comment: str = ""
) -> PriorityStance:
    """Record `user`'s own commitment or dissent; they may change it until the priority is decided. A dissent
    says why. Nobody states a stance for another: the stance is always the caller's own."""
    if not selectors.can_take_part(roles):
        raise PermissionDenied(_("Leaders commit to priorities or dissent."))
    priority = _open_priority(organization, priority)
    if stance not in Stance.values:
        raise ValidationError({"stance": _("Choose commit or dissent.")})
    comment = comment.strip()
    if stance == Stance.DISSENT and not comment:
        raise ValidationError({"comment": _("Say why you dissent, so the other leaders can answer it.")})
    own, _created = PriorityStance.objects.for_organization(organization).update_or_create(
        priority=priority,
        user=user,
        defaults={"organization": organization, "stance": stance, "comment": comment, "stated_at": timezone.now()},
    )
    _audit_priority(priority, user, "stance stated", stance=stance)
    return own


@transaction.atomic
def decide_priority(
    *, organization: Organization, priority: Priority, decided_by, chosen: bool, note: str = ""
) -> Priority:
    """Record a priority as chosen (it then shows on the map) or set aside, as a new version of the map. Choosing
    needs at least one leader's commitment."""
    organization = _locked(organization)
    priority = _open_priority(organization, priority)
    if chosen and not priority.stances.filter(stance=Stance.COMMIT).exists():
        raise ValidationError(_("No leader has committed to this priority yet."))
    priority.status = PriorityStatus.CHOSEN if chosen else PriorityStatus.SET_ASIDE
    priority.decided_by = decided_by
    priority.decided_at = timezone.now()
    priority.decision_note = note.strip()
    priority.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    change = (
        _("Priority “%(experience)s” chosen at “%(touchpoint)s”")
        if chosen
        else _("Priority “%(experience)s” set aside at “%(touchpoint)s”")
    ) % {"experience": priority.experience, "touchpoint": priority.touchpoint.name}
    record_version(organization=organization, changed_by=decided_by, change=change)
    return priority
