"""Reads of the listening path: every stage with the sources that hear customers there, when each last reported,
and the gaps: stages nobody listens to, and sources gone silent past their cadence. Who may do what."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cco_portal.accounts.models import User
from cco_portal.organizations import gathered_feeds
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import MANAGERS, roles_allow

from ..journey.models import JourneyStage
from .models import MONTHLY, QUARTERLY, WEEKLY, ListeningSource, SourceKind, SourceReport, StageFeed


def can_manage(roles: Iterable[str]) -> bool:
    """The CCO and admins add, change and remove sources and attach the customer-asset data sources to stages."""
    return roles_allow(roles, MANAGERS)


def can_report(source: ListeningSource, user, roles: Iterable[str]) -> bool:
    """A source's owner records its reports; so do the CCO and admins, for any source."""
    return can_manage(roles) or (source.owner_id is not None and source.owner_id == user.pk)


def is_silent(last_reported_on: date, cadence_days: int, today: date) -> bool:
    """Silent once more than `cadence_days` days have passed since the last report: a weekly source that reported
    on a Monday is still speaking the next Monday, and silent on the Tuesday."""
    return today > last_reported_on + timedelta(days=cadence_days)


def cadence_label(days: int | None) -> str:
    """How often a source reports, in words: daily, weekly, monthly, quarterly, or every so many days."""
    if days is None:
        return _("on demand")
    named = {1: _("daily"), WEEKLY: _("weekly"), MONTHLY: _("monthly"), QUARTERLY: _("quarterly")}
    return named.get(days) or ngettext("every %(days)s day", "every %(days)s days", days) % {"days": days}


def sources(organization: Organization) -> QuerySet[ListeningSource]:
    """The organization's sources by name, with their stages, owner, and the day of their last report
    (`last_reported_on`, None before the first)."""
    stages = JourneyStage.objects.for_organization(organization).order_by("position", "pk")
    return (
        ListeningSource.objects.for_organization(organization)
        .select_related("owner")
        .prefetch_related(Prefetch("stages", queryset=stages))
        .annotate(last_reported_on=Max("reports__reported_on"))
        # Meta.ordering is not applied to a query that groups.
        .order_by("name", "pk")
    )


def reports(source: ListeningSource) -> QuerySet[SourceReport]:
    """Every report of `source`, the latest first."""
    return SourceReport.objects.filter(organization_id=source.organization_id, source=source).select_related(
        "recorded_by"
    )


def owners(organization: Organization) -> QuerySet[User]:
    """The members who may own a source, by name."""
    members = Membership.objects.for_organization(organization).values("user_id")
    return User.objects.filter(pk__in=members).order_by("full_name", "email")


@dataclass(frozen=True)
class Heard:
    """One source as the path shows it: one of the organization's own, or a customer-asset data source attached
    to stages (`feed`). `since` is the day its silence is counted from: its last report, or the day it was added
    when it has not reported yet."""

    name: str
    kind: str
    kind_label: str
    cadence_days: int | None
    last_reported_on: date | None
    since: date
    silent: bool
    url: str
    owner: User | None = None
    source: ListeningSource | None = None
    feed: gathered_feeds.Feed | None = None
    stage_names: list[str] = field(default_factory=list)

    @property
    def cadence_label(self) -> str:
        return cadence_label(self.cadence_days)

    @property
    def key(self) -> str:
        if self.feed is not None:
            return self.feed.key
        return f"source-{self.source.pk if self.source else ''}"


@dataclass(frozen=True)
class Gap:
    """A stage nobody listens to (`stage`), or a source gone silent (`heard`), with what to do next."""

    kind: str  # "unheard" or "silent"
    title: str
    next_step: str
    url: str
    stage: JourneyStage | None = None
    heard: Heard | None = None


@dataclass
class StageListening:
    stage: JourneyStage
    heard: list[Heard]
    feeds: list[tuple[StageFeed, gathered_feeds.Feed]]  # the data sources attached here, for detaching

    @property
    def is_unheard(self) -> bool:
        return not self.heard


@dataclass
class ListeningPath:
    stages: list[StageListening]
    heard: list[Heard]  # every source once, whatever its stages
    gaps: list[Gap]
    feeds: list[gathered_feeds.Feed]  # every customer-asset data source, attached or not
    today: date

    @property
    def unheard_stages(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.kind == "unheard"]

    @property
    def silent_sources(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.kind == "silent"]


def _source_url(organization: Organization, source: ListeningSource) -> str:
    return reverse("roadmap:listening_source", kwargs={"org_slug": organization.slug, "listening_source_id": source.pk})


def _heard_source(organization: Organization, source: ListeningSource, today: date) -> Heard:
    """`source` as `sources()` annotates it, with `last_reported_on`."""
    last_reported_on: date | None = source.__dict__["last_reported_on"]
    since = last_reported_on or timezone.localdate(source.created_at)
    return Heard(
        name=source.name,
        kind=source.kind,
        kind_label=str(SourceKind(source.kind).label),
        cadence_days=source.cadence_days,
        last_reported_on=last_reported_on,
        since=since,
        silent=is_silent(since, source.cadence_days, today),
        url=_source_url(organization, source),
        owner=source.owner,
        source=source,
        stage_names=[stage.name for stage in source.stages.all()],
    )


def _heard_feed(feed: gathered_feeds.Feed, attached: list[StageFeed], today: date) -> Heard:
    delivered = timezone.localdate(feed.last_delivered_at) if feed.last_delivered_at else None
    since = delivered or min(timezone.localdate(row.attached_at) for row in attached)
    return Heard(
        name=feed.name,
        kind=SourceKind.BEHAVIOURAL,
        kind_label=str(SourceKind.BEHAVIOURAL.label),
        cadence_days=feed.cadence_days,
        last_reported_on=delivered,
        since=since,
        silent=feed.cadence_days is not None and is_silent(since, feed.cadence_days, today),
        url=feed.url,
        feed=feed,
        stage_names=[row.stage.name for row in attached],
    )


def listening_path(organization: Organization, today: date | None = None) -> ListeningPath:
    """The path as it stands on `today` (the local date by default): each stage of the map in order with its
    sources, and the gaps, unheard stages first in the map's order, then silent sources silent longest first."""
    today = today or timezone.localdate()
    stages = list(JourneyStage.objects.for_organization(organization).order_by("position", "pk"))
    heard = [_heard_source(organization, source, today) for source in sources(organization)]
    feeds = gathered_feeds.feeds_for(organization)
    attached = list(StageFeed.objects.for_organization(organization).select_related("stage"))
    by_key = {feed.key: feed for feed in feeds}
    for feed in feeds:
        rows = [row for row in attached if row.feed_key == feed.key]
        if rows:
            heard.append(_heard_feed(feed, rows, today))
    path = []
    for stage in stages:
        stage_feeds = [
            (row, by_key[row.feed_key]) for row in attached if row.stage_id == stage.pk and row.feed_key in by_key
        ]
        fed = {row.feed_key for row, _feed in stage_feeds}
        at_stage = [
            item
            for item in heard
            if (item.source and any(s.pk == stage.pk for s in item.source.stages.all()))
            or (item.feed and item.key in fed)
        ]
        path.append(StageListening(stage=stage, heard=at_stage, feeds=stage_feeds))
    return ListeningPath(stages=path, heard=heard, gaps=_gaps(organization, path, heard), feeds=feeds, today=today)


def _gaps(organization: Organization, path: list[StageListening], heard: list[Heard]) -> list[Gap]:
    listening_url = reverse("roadmap:listening", kwargs={"org_slug": organization.slug})
    gaps = [
        Gap(
            kind="unheard",
            title=_("Nobody listens to customers at “%(stage)s”.") % {"stage": row.stage.name},
            next_step=_(
                "Add a survey, operational or behavioural source for this stage, or attach a customer-asset data "
                "source to it."
            ),
            url=f"{listening_url}#stage-{row.stage.pk}",
            stage=row.stage,
        )
        for row in path
        if row.is_unheard
    ]
    for item in sorted((item for item in heard if item.silent), key=lambda item: (item.since, item.name.lower())):
        if item.feed:
            next_step = _("Look at its latest pulls: it pulls by itself, so a failure there is what stopped it.")
        elif item.owner is not None:
            next_step = _("%(owner)s records its next report, or the cadence is changed to what it really is.") % {
                "owner": item.owner.display_name
            }
        else:
            next_step = _("Give it an owner who records its reports.")
        if item.last_reported_on:
            title = _("“%(name)s” has not reported since %(date)s (it reports %(cadence)s).")
        else:
            title = _("“%(name)s” has not reported since it was added on %(date)s (it reports %(cadence)s).")
        gaps.append(
            Gap(
                kind="silent",
                title=title % {"name": item.name, "date": item.since.isoformat(), "cadence": item.cadence_label},
                next_step=next_step,
                url=item.url,
                heard=item,
            )
        )
    return gaps
