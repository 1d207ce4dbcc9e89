"""Writes of the listening path: the sources, their reports, and the customer-asset data sources attached to
stages. Each write is audited as `listening.changed`."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations import gathered_feeds
from cco_portal.organizations.models import Membership, Organization

from ..journey.models import JourneyStage
from . import selectors
from .models import LONGEST_CADENCE, ListeningSource, SourceKind, SourceReport, StageFeed

SOURCE_FIELDS = frozenset({"name", "kind", "stages", "owner", "cadence_days", "description"})


def _audit(organization: Organization, actor, target: str, change: str, **details) -> None:
    record_event(
        action=Action.LISTENING_CHANGED, organization=organization, actor=actor, target=target, change=change, **details
    )


def _clean(organization: Organization, source: ListeningSource | None, values: dict) -> dict:
    """The fields of a source checked: a name not taken, a kind, a cadence of 1 day to a year, stages of this
    map and an owner who is a member."""
    errors = {}
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
        same = ListeningSource.objects.for_organization(organization).filter(name__iexact=values["name"])
        if source is not None:
            same = same.exclude(pk=source.pk)
        if not values["name"]:
            errors["name"] = _("Give the source a name.")
        elif same.exists():
            errors["name"] = _("%(name)s is already a source.") % {"name": values["name"]}
    if "kind" in values and values["kind"] not in SourceKind.values:
        errors["kind"] = _("Choose survey, operational data or behavioural data.")
    if "cadence_days" in values and not 1 <= (values["cadence_days"] or 0) <= LONGEST_CADENCE:
        errors["cadence_days"] = _("Give a cadence of 1 to %(days)s days.") % {"days": LONGEST_CADENCE}
    if any(stage.organization_id != organization.pk for stage in values.get("stages") or []):
        errors["stages"] = _("Choose stages of this organization's journey map.")
    owner = values.get("owner")
    if owner is not None and not Membership.objects.for_organization(organization).filter(user=owner).exists():
        errors["owner"] = _("Choose a member of this organization.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def add_source(
    *,
    organization: Organization,
    added_by,
    name: str,
    kind: str,
    cadence_days: int,
    stages: list[JourneyStage] | None = None,
    owner=None,
    description: str = "",
) -> ListeningSource:
    """Add a source that listens at `stages`, owned by `owner`, expected to report every `cadence_days` days."""
    values = _clean(
        organization,
        None,
        {"name": name, "kind": kind, "cadence_days": cadence_days, "stages": list(stages or []), "owner": owner},
    )
    source = ListeningSource.objects.create(
        organization=organization,
        name=values["name"],
        kind=kind,
        cadence_days=cadence_days,
        owner=owner,
        description=description.strip(),
        created_by=added_by,
    )
    source.stages.set(values["stages"])
    _audit(organization, added_by, f"listening source {source.pk}", "source added", name=source.name)
    return source


@transaction.atomic
def update_source(*, source: ListeningSource, changed_by, **changes) -> ListeningSource:
    """Change a source's name, kind, stages, owner, cadence or description; changing nothing records nothing."""
    if refused := set(changes) - SOURCE_FIELDS:
        raise ValidationError(_("These cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(refused))})
    organization = source.organization
    source = ListeningSource.objects.for_organization(organization).select_for_update().get(pk=source.pk)
    changes = _clean(organization, source, dict(changes))
    if "description" in changes:
        changes["description"] = changes["description"].strip()
    changed = []
    for name, value in changes.items():
        if name == "stages":
            if {stage.pk for stage in value} != set(source.stages.values_list("pk", flat=True)):
                source.stages.set(value)
                changed.append(name)
        elif getattr(source, name) != value:
            setattr(source, name, value)
            changed.append(name)
    if changed:
        source.save(update_fields=[name for name in changed if name != "stages"])
        _audit(organization, changed_by, f"listening source {source.pk}", "source changed", fields=sorted(changed))
    return source


@transaction.atomic
def remove_source(*, source: ListeningSource, removed_by) -> None:
    """Remove a source with its reports."""
    _audit(source.organization, removed_by, f"listening source {source.pk}", "source removed", name=source.name)
    source.delete()


@transaction.atomic
def record_report(
    *, source: ListeningSource, recorded_by, roles, reported_on: date, note: str = "", link: str = ""
) -> SourceReport:
    """Record that `source` reported on `reported_on` (not a day to come), with an optional note and link. Its
    owner records it, or the CCO or an admin."""
    if not selectors.can_report(source, recorded_by, roles):
        raise PermissionDenied(_("A source's owner records its reports, or the Chief Customer Officer."))
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("A report is of a day that has come: choose today or earlier.")})
    report = SourceReport.objects.create(
        organization=source.organization,
        source=source,
        reported_on=reported_on,
        note=note.strip(),
        link=link.strip(),
        recorded_by=recorded_by,
    )
    _audit(
        source.organization,
        recorded_by,
        f"listening source {source.pk}",
        "report recorded",
        reported_on=reported_on.isoformat(),
    )
    return report


@transaction.atomic
def attach_feed(*, organization: Organization, stage: JourneyStage, feed_key: str, attached_by) -> StageFeed:
    """Count a customer-asset data source as a behavioural source of `stage`."""
    errors = {}
    if stage.organization_id != organization.pk:
        errors["stage"] = _("Choose a stage of this organization's journey map.")
    feeds = {feed.key: feed for feed in gathered_feeds.feeds_for(organization)}
    if feed_key not in feeds:
        errors["feed_key"] = _("Choose one of this organization's data sources.")
    elif StageFeed.objects.for_organization(organization).filter(stage=stage, feed_key=feed_key).exists():
        errors["feed_key"] = _("%(name)s already listens at this stage.") % {"name": feeds[feed_key].name}
    if errors:
        raise ValidationError(errors)
    attached = StageFeed.objects.create(
        organization=organization, stage=stage, feed_key=feed_key, attached_by=attached_by
    )
    _audit(
        organization,
        attached_by,
        f"journey stage {stage.pk}",
        "data source attached",
        feed=feed_key,
        name=feeds[feed_key].name,
    )
    return attached


@transaction.atomic
def detach_feed(*, stage_feed: StageFeed, detached_by) -> None:
    """The data source no longer counts as a source of that stage."""
    _audit(
        stage_feed.organization,
        detached_by,
        f"journey stage {stage_feed.stage_id}",
        "data source detached",
        feed=stage_feed.feed_key,
    )
    stage_feed.delete()
