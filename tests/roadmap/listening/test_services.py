"""The listening path: sources of three kinds at the journey's stages, each with an owner, a cadence and a history
of reports; the customer-asset data sources attached to stages as behavioural sources; and the gaps: stages
nobody listens to, and sources silent past their cadence."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from metrics.feeds import feed_key
from metrics.sources.models import DataSourcePull, PullStatus
from roadmap.journey.services import add_stage
from roadmap.listening import selectors, services
from roadmap.listening.models import SourceKind, SourceReport
from tests.metrics.factories import DataSourceFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture
def stages(organization, cco_user):
    return [add_stage(organization=organization, name=name, changed_by=cco_user) for name in ("Buy", "Get help")]


def survey(organization, cco_user, owner, stages, cadence_days=7, name="After-purchase survey"):
    return services.add_source(
        organization=organization,
        added_by=cco_user,
        name=name,
        kind=SourceKind.SURVEY,
        cadence_days=cadence_days,
        stages=stages,
        owner=owner,
    )


def report(source, user, day, roles=frozenset({Role.CCO})):
    return services.record_report(source=source, recorded_by=user, roles=roles, reported_on=day)


def test_a_source_is_silent_only_once_a_day_past_its_cadence():
    """Given a weekly source that reported on 1 March, it still speaks on 8 March (exactly its cadence) and is
    silent on 9 March (a day past)."""
    assert not selectors.is_silent(date(2026, 3, 1), 7, date(2026, 3, 8))
    assert selectors.is_silent(date(2026, 3, 1), 7, date(2026, 3, 9))


def test_every_stage_without_a_source_is_a_gap_until_one_listens(organization, cco_user, executive_user, stages):
    """Given two stages and no source, both are gaps; when a survey listens at "Buy", only "Get help" is."""
    path = selectors.listening_path(organization, TODAY)
    assert [gap.stage.name for gap in path.unheard_stages] == ["Buy", "Get help"]

    source = survey(organization, cco_user, executive_user, [stages[0]])
    report(source, cco_user, timezone.localdate())
    path = selectors.listening_path(organization, timezone.localdate())

    assert [gap.stage.name for gap in path.unheard_stages] == ["Get help"]
    assert [[heard.name for heard in row.heard] for row in path.stages] == [["After-purchase survey"], []]
    assert "Add a survey" in path.unheard_stages[0].next_step


def test_a_source_past_its_cadence_is_a_gap_naming_its_owner(organization, cco_user, executive_user, stages):
    """Given a weekly survey last reported 7 days ago, it is no gap; reported 8 days ago, it is a silent source
    whose next step names its owner."""
    source = survey(organization, cco_user, executive_user, stages)
    report(source, executive_user, TODAY - timedelta(days=8), roles={Role.EXECUTIVE})

    silent = selectors.listening_path(organization, TODAY).silent_sources
    assert [gap.heard.name for gap in silent] == ["After-purchase survey"]
    assert executive_user.display_name in silent[0].next_step
    assert (TODAY - timedelta(days=8)).isoformat() in silent[0].title

    report(source, executive_user, TODAY - timedelta(days=7), roles={Role.EXECUTIVE})
    assert selectors.listening_path(organization, TODAY).silent_sources == []


def test_a_source_that_never_reported_counts_its_silence_from_the_day_it_was_added(
    organization, cco_user, executive_user, stages
):
    """Given a monthly source added today and never reported, it is no gap today nor in 31 days, and is one on
    the 32nd."""
    survey(organization, cco_user, executive_user, stages, cadence_days=31)
    today = timezone.localdate()
    assert selectors.listening_path(organization, today + timedelta(days=31)).silent_sources == []
    silent = selectors.listening_path(organization, today + timedelta(days=32)).silent_sources
    assert "since it was added" in silent[0].title


def test_the_reports_are_kept_as_a_history(organization, cco_user, executive_user, stages):
    """Given three reports, the source shows the latest as its last report, and all three stay, latest first."""
    source = survey(organization, cco_user, executive_user, stages)
    for day in (date(2026, 1, 5), date(2026, 2, 2), date(2026, 1, 19)):
        report(source, cco_user, day)

    assert selectors.sources(organization).get().last_reported_on == date(2026, 2, 2)
    assert [row.reported_on.day for row in selectors.reports(source)] == [2, 19, 5]
    assert AuditEvent.objects.filter(action=Action.LISTENING_CHANGED, details__change="report recorded").count() == 3


def test_only_the_owner_or_a_manager_records_a_report(
    organization, cco_user, executive_user, leadership_user, member_of, stages
):
    """The owner and the CCO record; another executive and leadership are refused, and nothing is kept. A report
    of a day to come is refused."""
    source = survey(organization, cco_user, executive_user, stages)
    other_executive = member_of(Role.EXECUTIVE)
    for user, role in ((other_executive, Role.EXECUTIVE), (leadership_user, Role.LEADERSHIP)):
        with pytest.raises(PermissionDenied):
            report(source, user, TODAY, roles={role})
    report(source, executive_user, TODAY, roles={Role.EXECUTIVE})
    with pytest.raises(ValidationError, match="has come"):
        report(source, cco_user, timezone.localdate() + timedelta(days=1))
    assert SourceReport.objects.count() == 1


def test_a_source_names_stages_and_an_owner_of_its_own_organization(
    organization, other_organization, cco_user, member_of, stages
):
    """A stage of another organization's map, an owner who is not a member, a taken name and a cadence of 0 days
    are each refused with what to fix."""
    foreign_stage = add_stage(organization=other_organization, name="Buy", changed_by=None)
    outsider = member_of(Role.EXECUTIVE, org=other_organization)
    survey(organization, cco_user, None, stages)
    with pytest.raises(ValidationError) as refused:
        services.add_source(
            organization=organization,
            added_by=cco_user,
            name="after-purchase SURVEY",
            kind=SourceKind.SURVEY,
            cadence_days=0,
            stages=[foreign_stage],
            owner=outsider,
        )
    assert set(refused.value.message_dict) == {"name", "cadence_days", "stages", "owner"}


def test_a_source_is_changed_and_removed_with_its_history_audited(organization, cco_user, executive_user, stages):
    """Changing the cadence and stages is audited with the fields changed; changing nothing records nothing."""
    source = survey(organization, cco_user, executive_user, stages)
    services.update_source(source=source, changed_by=cco_user, cadence_days=31, stages=[stages[1]])
    services.update_source(source=source, changed_by=cco_user, cadence_days=31)
    source.refresh_from_db()

    assert (source.cadence_days, list(source.stages.all())) == (31, [stages[1]])
    changed = AuditEvent.objects.filter(details__change="source changed")
    assert [event.details["fields"] for event in changed] == [["cadence_days", "stages"]]
    services.remove_source(source=source, removed_by=cco_user)
    assert not selectors.sources(organization).exists()


def test_a_data_source_counts_as_a_behavioural_source_of_its_stages(organization, cco_user, stages):
    """Given a data source pulling daily, attached to "Buy": "Buy" is heard by it, its last report is its last
    successful pull (not a later failed one), and it is silent two days after that pull."""
    data_source = DataSourceFactory(organization=organization, name="Shop orders", schedule="0 6 * * *")
    pulled = timezone.make_aware(timezone.datetime(2026, 3, 8, 6, 5))
    DataSourcePull.objects.create(
        organization=organization, source=data_source, status=PullStatus.SUCCEEDED, finished_at=pulled
    )
    DataSourcePull.objects.create(
        organization=organization,
        source=data_source,
        status=PullStatus.FAILED,
        finished_at=pulled + timedelta(days=1),
    )
    services.attach_feed(
        organization=organization, stage=stages[0], feed_key=feed_key(data_source.pk), attached_by=cco_user
    )

    path = selectors.listening_path(organization, date(2026, 3, 9))
    (heard,) = path.stages[0].heard
    assert (heard.name, heard.kind, heard.last_reported_on, heard.silent) == (
        "Shop orders",
        SourceKind.BEHAVIOURAL,
        date(2026, 3, 8),
        False,
    )
    assert [gap.heard.name for gap in selectors.listening_path(organization, date(2026, 3, 10)).silent_sources] == [
        "Shop orders"
    ]


def test_a_data_source_is_attached_once_and_only_from_its_own_organization(
    organization, other_organization, cco_user, stages
):
    """Attaching the same data source twice, or another organization's, is refused; detaching it makes the stage
    a gap again."""
    own = DataSourceFactory(organization=organization)
    foreign = DataSourceFactory(organization=other_organization)
    attached = services.attach_feed(
        organization=organization, stage=stages[0], feed_key=feed_key(own.pk), attached_by=cco_user
    )
    for key in (feed_key(own.pk), feed_key(foreign.pk)):
        with pytest.raises(ValidationError):
            services.attach_feed(organization=organization, stage=stages[0], feed_key=key, attached_by=cco_user)

    services.detach_feed(stage_feed=attached, detached_by=cco_user)
    assert [gap.stage.name for gap in selectors.listening_path(organization, TODAY).unheard_stages] == [
        "Buy",
        "Get help",
    ]
