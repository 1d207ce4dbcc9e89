"""The write services of the roadmap: maturity stages, operational areas, milestones and their dependency rules.

The emails the services send, and the tasks that send them: test_tasks.py.
"""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.utils import timezone

from cco_portal.organizations.roles import Role
from roadmap import selectors, services
from roadmap.models import MaturityAssessment, Milestone, OperationalArea, Stage, Status
from roadmap.starter import STARTER_MILESTONES
from tests.concurrency import run_together
from tests.factories import OrganizationFactory
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory, competency

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 14)


@pytest.fixture
def owner(member_of):
    return member_of(Role.EXECUTIVE, email="owner@example.com", full_name="Olive Owner")


def refused(callable_, **kwargs) -> dict[str, list[str]]:
    """The messages, per field, of the ValidationError that `callable_(**kwargs)` raises."""
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value.message_dict if hasattr(error.value, "error_dict") else {"": error.value.messages}


def chain(organization, *titles: str) -> list[Milestone]:
    """Milestones titled `titles`, each depending on the next: A → B → C."""
    milestones = [MilestoneFactory(organization=organization, title=title) for title in titles]
    for milestone, dependency in pairwise(milestones):
        milestone.dependencies.add(dependency)
    return milestones


def snapshot(milestone: Milestone) -> tuple:
    milestone = Milestone.objects.get(pk=milestone.pk)
    return (
        milestone.title,
        milestone.status,
        milestone.percent_complete,
        sorted(milestone.dependencies.values_list("title", flat=True)),
        milestone.history.count(),
    )


# maturity stages


def test_set_maturity_stage_records_a_dated_note(organization, cco_user):
    """The stage, the trimmed note, who judged and when are kept."""
    # given
    started = timezone.now()

    # when
    assessment = services.set_maturity_stage(
        organization=organization,
        competency=competency(3),
        stage=Stage.ESTABLISHED,
        note="  Surveys and complaints meet in one place.  ",
        assessed_by=cco_user,
    )

    # then
    assessment.refresh_from_db()
    assert (assessment.stage, assessment.note, assessment.assessed_by) == (
        Stage.ESTABLISHED,
        "Surveys and complaints meet in one place.",
        cco_user,
    )
    assert started <= assessment.assessed_at <= timezone.now()


@pytest.mark.parametrize("note", ["", "   \n "])
def test_set_maturity_stage_needs_a_note(organization, cco_user, note):
    """A stage without a reason is refused, and nothing is recorded."""
    # when
    errors = refused(
        services.set_maturity_stage,
        organization=organization,
        competency=competency(1),
        stage=Stage.EMERGING,
        note=note,
        assessed_by=cco_user,
    )

    # then
    assert list(errors) == ["note"]
    assert not MaturityAssessment.objects.exists()


def test_the_latest_maturity_stage_stands_in_the_rollup(organization, cco_user):
    """Two judgements of the same competency: the later one is the stage shown."""
    # given
    services.set_maturity_stage(
        organization=organization, competency=competency(2), stage=Stage.EMERGING, note="Early.", assessed_by=cco_user
    )

    # when
    services.set_maturity_stage(
        organization=organization,
        competency=competency(2),
        stage=Stage.EMBEDDED,
        note="The journey map drives the plans.",
        assessed_by=cco_user,
    )

    # then
    stages = {rollup.competency.number: rollup.stage for rollup in selectors.competency_rollup(organization)}
    assert stages == {1: None, 2: Stage.EMBEDDED, 3: None, 4: None, 5: None}
    assert [a.stage for a in selectors.maturity_history(organization)[2]] == [Stage.EMBEDDED, Stage.EMERGING]


# operational areas


def test_add_operational_area_tidies_the_name_and_refuses_a_duplicate(organization):
    """Spaces are collapsed; the same name in another case is a duplicate; another organization may have it."""
    # given
    services.add_operational_area(organization=organization, name="  Customer   service ")

    # when
    errors = refused(services.add_operational_area, organization=organization, name="customer SERVICE")
    elsewhere = services.add_operational_area(organization=OrganizationFactory(), name="Customer service")

    # then
    assert errors == {"name": ["customer SERVICE is already on the list."]}
    assert list(OperationalArea.objects.for_organization(organization).values_list("name", flat=True)) == [
        "Customer service"
    ]
    assert elsewhere.name == "Customer service"


def test_rename_operational_area_refuses_another_areas_name_but_not_its_own(organization):
    """Renaming to a name already used is refused; changing the case of its own name is fine."""
    # given
    sales = OperationalAreaFactory(organization=organization, name="Sales")
    OperationalAreaFactory(organization=organization, name="Marketing")

    # when
    errors = refused(services.rename_operational_area, area=sales, name="marketing")
    services.rename_operational_area(area=sales, name="SALES")

    # then
    assert errors == {"name": ["marketing is already on the list."]}
    sales.refresh_from_db()
    assert sales.name == "SALES"


def test_removing_an_area_leaves_its_milestones(organization):
    """Milestones that involved a removed area simply no longer name it."""
    # given
    sales, finance = (OperationalAreaFactory(organization=organization, name=name) for name in ("Sales", "Finance"))
    milestone = MilestoneFactory(organization=organization, areas=[sales, finance])

    # when
    services.remove_operational_area(area=sales)

    # then
    assert list(milestone.areas.values_list("name", flat=True)) == ["Finance"]


# creating milestones


def test_create_milestone_keeps_everything_and_records_who_created_it(organization, cco_user, owner):
    """Fields, areas and dependencies are saved; the first history record names the creator."""
    # given
    area = OperationalAreaFactory(organization=organization, name="Sales")
    first = MilestoneFactory(organization=organization, title="Agree the metrics", due_date=TODAY + timedelta(weeks=6))

    # when
    milestone = services.create_milestone(
        organization=organization,
        competency=competency(1),
        title="  Establish the data feed ",
        description="Monthly file.",
        owner=owner,
        areas=[area],
        dependencies=[first],
        start_date=TODAY,
        due_date=TODAY + timedelta(weeks=8),
        created_by=cco_user,
    )

    # then
    milestone.refresh_from_db()
    assert (milestone.title, milestone.owner, milestone.status, milestone.created_by) == (
        "Establish the data feed",
        owner,
        Status.PLANNED,
        cco_user,
    )
    assert list(milestone.areas.all()) == [area]
    assert list(milestone.dependencies.all()) == [first]
    assert milestone.history.earliest("history_date").history_user == cco_user


def test_create_milestone_done_is_complete_and_blocked_keeps_its_reason(organization, cco_user):
    """Done means 100 %, whatever was given; a reason to block is kept only when blocked."""
    # when
    done = services.create_milestone(
        organization=organization,
        competency=competency(1),
        title="Done already",
        status=Status.DONE,
        percent_complete=40,
        created_by=cco_user,
    )
    planned = services.create_milestone(
        organization=organization,
        competency=competency(1),
        title="Planned",
        blocked_reason="Stale reason",
        created_by=cco_user,
    )

    # then
    assert done.percent_complete == 100
    assert planned.blocked_reason == ""


def test_create_milestone_refuses_blocked_without_a_reason(organization, cco_user):
    """Blocked needs to say what blocks it; nothing is saved."""
    # when
    errors = refused(
        services.create_milestone,
        organization=organization,
        competency=competency(1),
        title="Stuck",
        status=Status.BLOCKED,
        blocked_reason="  ",
        created_by=cco_user,
    )

    # then
    assert list(errors) == ["blocked_reason"]
    assert not Milestone.objects.exists()


def test_create_milestone_refuses_a_due_date_before_the_start(organization, cco_user):
    """The dates are checked with a message about the dates, not a database constraint's name."""
    # when
    errors = refused(
        services.create_milestone,
        organization=organization,
        competency=competency(1),
        title="Backwards",
        start_date=TODAY,
        due_date=TODAY - timedelta(days=1),
        created_by=cco_user,
    )

    # then
    assert errors == {"due_date": ["The due date must be on or after the start date."]}


def test_create_milestone_refuses_an_owner_who_is_not_a_member(organization, cco_user, member_of):
    """Only members of the organization own its milestones."""
    # given
    outsider = member_of(Role.CCO, org=OrganizationFactory(name="Globex"), full_name="Otto Outsider")

    # when
    errors = refused(
        services.create_milestone,
        organization=organization,
        competency=competency(1),
        title="Someone else's",
        owner=outsider,
        created_by=cco_user,
    )

    # then
    assert errors == {"owner": ["Otto Outsider is not a member of Acme Outfitters."]}
    assert not Milestone.objects.exists()


def test_create_milestone_refuses_areas_and_dependencies_of_another_organization(
    organization, other_organization, cco_user
):
    """Related rows of another organization are refused by name of the field, and nothing is saved."""
    # when
    errors = refused(
        services.create_milestone,
        organization=organization,
        competency=competency(1),
        title="Cross-company",
        areas=[OperationalAreaFactory(organization=other_organization)],
        dependencies=[MilestoneFactory(organization=other_organization)],
        created_by=cco_user,
    )

    # then
    assert set(errors) == {"areas", "dependencies"}
    assert not Milestone.objects.for_organization(organization).exists()


def test_create_milestone_done_over_an_unfinished_dependency_needs_a_reason(organization, cco_user):
    """Creating a milestone as done while what it depends on is not: refused, unless a reason is given."""
    # given
    first = MilestoneFactory(organization=organization, title="Agree the metrics")

    # when
    errors = refused(
        services.create_milestone,
        organization=organization,
        competency=competency(1),
        title="Feed",
        status=Status.DONE,
        dependencies=[first],
        created_by=cco_user,
    )
    overridden = services.create_milestone(
        organization=organization,
        competency=competency(1),
        title="Feed",
        status=Status.DONE,
        dependencies=[first],
        override_reason="The metrics were agreed offline.",
        created_by=cco_user,
    )

    # then
    assert list(errors) == ["status"]
    assert overridden.is_done


# dependency rules


def test_a_milestone_cannot_depend_on_itself(organization, cco_user):
    """Refused with a message; its dependencies stay as they were."""
    # given
    milestone, other = chain(organization, "A", "B")
    before = snapshot(milestone)

    # when
    errors = refused(
        services.update_milestone,
        milestone=milestone,
        changed_by=cco_user,
        may_edit_all=True,
        dependencies=[other, milestone],
    )

    # then
    assert errors == {"dependencies": ["A milestone cannot depend on itself."]}
    assert snapshot(milestone) == before


def test_a_dependency_that_closes_a_loop_is_refused_and_the_loop_named(organization, cco_user):
    """A → B → C exists; making C depend on A would loop: refused, the chain is named, nothing changes,
    not even the title changed with it."""
    # given
    a, b, c = chain(organization, "A", "B", "C")
    before = [snapshot(m) for m in (a, b, c)]

    # when
    errors = refused(
        services.update_milestone,
        milestone=c,
        changed_by=cco_user,
        may_edit_all=True,
        title="C, renamed",
        dependencies=[a],
    )

    # then
    assert errors == {
        "dependencies": ["That would make a loop: C, renamed → A → B → C. Remove one of these dependencies."],
    }
    assert [snapshot(m) for m in (a, b, c)] == before


def test_a_dependency_without_a_loop_is_accepted(organization, cco_user):
    """Two milestones depending on the same one is a diamond, not a loop."""
    # given
    a, b, c = chain(organization, "A", "B", "C")

    # when
    services.update_milestone(milestone=a, changed_by=cco_user, may_edit_all=True, dependencies=[b, c])

    # then
    assert sorted(a.dependencies.values_list("title", flat=True)) == ["B", "C"]


def test_a_dependency_on_another_organizations_milestone_is_refused(organization, other_organization, cco_user):
    """Guessing the id of another company's milestone gets nothing linked."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Ours")
    before = snapshot(milestone)

    # when
    errors = refused(
        services.update_milestone,
        milestone=milestone,
        changed_by=cco_user,
        may_edit_all=True,
        dependencies=[MilestoneFactory(organization=other_organization)],
    )

    # then
    assert errors == {"dependencies": ["A milestone can only depend on milestones of the same organization."]}
    assert snapshot(milestone) == before


def test_done_while_a_dependency_is_not_done_is_refused(organization, cco_user):
    """The CCO is told which dependency is open and that a reason would override."""
    # given
    feed, _ = chain(organization, "Feed", "Metrics")

    # when
    errors = refused(
        services.update_milestone, milestone=feed, changed_by=cco_user, may_edit_all=True, status=Status.DONE
    )

    # then
    assert errors == {
        "status": [
            "It depends on milestones that are not done: Metrics. Finish them first, or give a reason to override."
        ]
    }
    assert Milestone.objects.get(pk=feed.pk).status == Status.PLANNED


def test_done_once_every_dependency_is_done_is_accepted_and_complete(organization, cco_user):
    """With its dependencies done, a milestone may be done; done sets 100 %."""
    # given
    feed, metrics = chain(organization, "Feed", "Metrics")
    services.update_milestone(milestone=metrics, changed_by=cco_user, may_edit_all=True, status=Status.DONE)

    # when
    services.update_milestone(
        milestone=feed, changed_by=cco_user, may_edit_all=True, status=Status.DONE, percent_complete=30
    )

    # then
    feed.refresh_from_db()
    assert (feed.status, feed.percent_complete) == (Status.DONE, 100)


def test_the_cco_overrides_an_open_dependency_with_a_reason(organization, cco_user):
    """A reason to override lets the CCO mark it done; the reason is kept."""
    # given
    feed, _ = chain(organization, "Feed", "Metrics")

    # when
    services.update_milestone(
        milestone=feed,
        changed_by=cco_user,
        may_edit_all=True,
        status=Status.DONE,
        override_reason="The feed runs; the metrics are agreed in practice.",
    )

    # then
    feed.refresh_from_db()
    assert (feed.status, feed.override_reason) == (Status.DONE, "The feed runs; the metrics are agreed in practice.")


def test_an_owner_cannot_override_an_open_dependency(organization, owner):
    """The owner is refused and told to ask the CCO; even a reason left on the milestone does not help."""
    # given
    feed, _ = chain(organization, "Feed", "Metrics")
    Milestone.objects.filter(pk=feed.pk).update(owner=owner, override_reason="An old reason.")

    # when
    errors = refused(
        services.update_milestone, milestone=feed, changed_by=owner, may_edit_all=False, status=Status.DONE
    )

    # then
    assert errors == {
        "status": [
            "It depends on milestones that are not done: Metrics. Finish them first, or ask the CCO to override."
        ]
    }
    assert Milestone.objects.get(pk=feed.pk).status == Status.PLANNED


def test_an_owner_updates_the_progress_of_an_overridden_milestone(organization, cco_user, owner):
    """Once the CCO has overridden, the owner may still add notes to the done milestone."""
    # given
    feed, _ = chain(organization, "Feed", "Metrics")
    Milestone.objects.filter(pk=feed.pk).update(owner=owner)
    services.update_milestone(
        milestone=feed, changed_by=cco_user, may_edit_all=True, status=Status.DONE, override_reason="Agreed."
    )

    # when
    services.update_milestone(milestone=feed, changed_by=owner, may_edit_all=False, notes="Runs every month now.")

    # then
    feed.refresh_from_db()
    assert (feed.status, feed.notes) == (Status.DONE, "Runs every month now.")


def test_a_done_milestone_whose_dependency_reopened_still_takes_edits(organization, cco_user):
    """Reopening a dependency does not lock the milestone that was done before: it can still be renamed."""
    # given
    feed, metrics = chain(organization, "Feed", "Metrics")
    services.update_milestone(milestone=metrics, changed_by=cco_user, may_edit_all=True, status=Status.DONE)
    services.update_milestone(milestone=feed, changed_by=cco_user, may_edit_all=True, status=Status.DONE)
    services.update_milestone(milestone=metrics, changed_by=cco_user, may_edit_all=True, status=Status.IN_PROGRESS)

    # when
    services.update_milestone(milestone=feed, changed_by=cco_user, may_edit_all=True, title="Monthly feed")

    # then
    feed.refresh_from_db()
    assert (feed.title, feed.status) == ("Monthly feed", Status.DONE)


@pytest.mark.parametrize(
    ("changes", "refused_field"),
    [
        ({"title": "Mine now"}, "title"),
        ({"owner": None}, "owner"),
        ({"due_date": TODAY + timedelta(days=60)}, "due_date"),
        ({"start_date": TODAY}, "start_date"),
        ({"override_reason": "Because."}, "override_reason"),
        ({"areas": []}, "areas"),
        ({"dependencies": []}, "dependencies"),
    ],
)
def test_an_owner_may_not_change_what_the_cco_decides(organization, owner, changes, refused_field):
    """Title, owner, dates, areas, dependencies and overrides are the CCO's; the owner is told so."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Feed", owner=owner)
    before = snapshot(milestone)

    # when
    errors = refused(
        services.update_milestone, milestone=milestone, changed_by=owner, may_edit_all=False, notes="Hi", **changes
    )

    # then
    assert errors == {"": [f"You may not change: {refused_field}. Ask the CCO."]}
    assert snapshot(milestone) == before


def test_an_owner_updates_status_progress_and_notes(organization, owner):
    """What the owner may change is saved, and the history names the owner."""
    # given
    milestone = MilestoneFactory(organization=organization, owner=owner)

    # when
    services.update_milestone(
        milestone=milestone,
        changed_by=owner,
        may_edit_all=False,
        status=Status.IN_PROGRESS,
        percent_complete=40,
        notes="Half the sources are listed.",
    )

    # then
    milestone.refresh_from_db()
    assert (milestone.status, milestone.percent_complete, milestone.notes) == (
        Status.IN_PROGRESS,
        40,
        "Half the sources are listed.",
    )
    assert milestone.history.latest("history_date").history_user == owner


def test_blocked_needs_a_reason_and_unblocking_clears_it(organization, cco_user):
    """Blocked without a reason is refused; with one it is kept until the milestone moves on."""
    # given
    milestone = MilestoneFactory(organization=organization)

    # when
    errors = refused(
        services.update_milestone, milestone=milestone, changed_by=cco_user, may_edit_all=True, status=Status.BLOCKED
    )
    services.update_milestone(
        milestone=milestone,
        changed_by=cco_user,
        may_edit_all=True,
        status=Status.BLOCKED,
        blocked_reason="No budget for the survey tool.",
    )
    blocked_reason = Milestone.objects.get(pk=milestone.pk).blocked_reason
    services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, status=Status.IN_PROGRESS)

    # then
    assert list(errors) == ["blocked_reason"]
    assert blocked_reason == "No budget for the survey tool."
    assert Milestone.objects.get(pk=milestone.pk).blocked_reason == ""


def test_update_milestone_refuses_an_owner_who_is_not_a_member(organization, other_organization, cco_user, member_of):
    """Handing a milestone to someone outside the organization is refused."""
    # given
    milestone = MilestoneFactory(organization=organization)
    outsider = member_of(Role.EXECUTIVE, org=other_organization)

    # when
    errors = refused(
        services.update_milestone, milestone=milestone, changed_by=cco_user, may_edit_all=True, owner=outsider
    )

    # then
    assert list(errors) == ["owner"]
    assert Milestone.objects.get(pk=milestone.pk).owner is None


def test_delete_milestone_records_who_deleted_it(organization, cco_user):
    """The milestone is gone; its history keeps the deletion and who made it."""
    # given
    milestone = MilestoneFactory(organization=organization)
    pk = milestone.pk

    # when
    services.delete_milestone(milestone=milestone, deleted_by=cco_user)

    # then
    assert not Milestone.objects.filter(pk=pk).exists()
    deletion = Milestone.history.filter(id=pk).latest("history_date")
    assert (deletion.history_type, deletion.history_user) == ("-", cco_user)


# the starter roadmap


def test_apply_starter_roadmap_adds_the_milestones_of_each_competency(organization, cco_user):
    """Every starter milestone, dated from the start, with the dependencies the starter names."""
    # given
    start = date(2025, 1, 6)

    # when
    created = services.apply_starter_roadmap(organization=organization, created_by=cco_user, start=start)

    # then
    per_competency = {n: sum(item.competency == n for item in STARTER_MILESTONES) for n in range(1, 6)}
    assert per_competency == {1: 3, 2: 3, 3: 2, 4: 3, 5: 3}
    assert {
        n: Milestone.objects.for_organization(organization).filter(competency__number=n).count() for n in range(1, 6)
    } == per_competency
    assert len(created) == len(STARTER_MILESTONES)
    feed = Milestone.objects.get(organization=organization, title="Establish a recurring customer data feed")
    assert (feed.start_date, feed.due_date, feed.status, feed.created_by) == (
        date(2025, 2, 3),
        date(2025, 3, 31),
        Status.PLANNED,
        cco_user,
    )
    listening = Milestone.objects.get(organization=organization, title="Connect listening to the journey stages")
    assert sorted(listening.dependencies.values_list("title", flat=True)) == [
        "Inventory the listening sources",
        "Map the customer journey across the silos",
    ]
    for item in STARTER_MILESTONES:
        milestone = Milestone.objects.get(organization=organization, title=item.title)
        assert set(milestone.dependencies.values_list("title", flat=True)) == set(item.depends_on), item.title


def test_apply_starter_roadmap_twice_adds_nothing_the_second_time(organization, cco_user):
    """Applied again, the starter leaves existing milestones and their edits alone."""
    # given
    services.apply_starter_roadmap(organization=organization, created_by=cco_user)
    edited = Milestone.objects.get(organization=organization, title="Capture why customers leave")
    services.update_milestone(milestone=edited, changed_by=cco_user, may_edit_all=True, dependencies=[])

    # when
    created = services.apply_starter_roadmap(organization=organization, created_by=cco_user)

    # then
    assert created == []
    assert Milestone.objects.for_organization(organization).count() == len(STARTER_MILESTONES)
    assert not edited.dependencies.exists()


def test_apply_starter_roadmap_adds_only_what_is_missing(organization, cco_user):
    """A deleted starter milestone comes back, linked to the ones already there; another company is untouched."""
    # given
    services.apply_starter_roadmap(organization=organization, created_by=cco_user)
    Milestone.objects.get(organization=organization, title="Capture why customers leave").delete()

    # when
    created = services.apply_starter_roadmap(organization=organization, created_by=cco_user)

    # then
    assert [m.title for m in created] == ["Capture why customers leave"]
    assert list(created[0].dependencies.values_list("title", flat=True)) == ["Establish a recurring customer data feed"]
    assert Milestone.objects.exclude(organization=organization).count() == 0


@pytest.mark.services
def test_two_people_adding_opposite_dependencies_at_once_make_no_loop(transactional_db, organization, cco_user):
    """A depends on B and B on A, asked at the same moment on PostgreSQL: one is saved, the other is refused
    as a loop. Without the per-organization lock both passed the check, 15 times out of 15."""
    if connection.vendor != "postgresql":
        pytest.fail("the service suite runs on PostgreSQL")
    first = MilestoneFactory(organization=organization, title="A")
    second = MilestoneFactory(organization=organization, title="B")

    def depend(milestone, on):
        return lambda: services.update_milestone(
            milestone=milestone, changed_by=cco_user, may_edit_all=True, dependencies=[on]
        )

    outcomes = run_together({"A on B": depend(first, second), "B on A": depend(second, first)})

    refusals = [outcome for outcome in outcomes.values() if isinstance(outcome, list)]
    assert len(refusals) == 1, outcomes
    assert "That would make a loop" in refusals[0][0]
    links = Milestone.dependencies.through.objects.count()
    assert links == 1


def test_a_milestone_due_before_what_it_waits_for_is_refused(organization, cco_user):
    """A milestone cannot be done before the one it depends on: due earlier, it is refused with that one named."""
    first = MilestoneFactory(organization=organization, title="Agree the metrics", due_date=date(2025, 6, 30))
    later = MilestoneFactory(organization=organization, title="Report them", due_date=date(2025, 5, 31))

    with pytest.raises(ValidationError, match="due before milestones it depends on: “Agree the metrics”"):
        services.update_milestone(milestone=later, changed_by=cco_user, may_edit_all=True, dependencies=[first])


@pytest.mark.parametrize("due", [date(9999, 12, 31), date(1000, 1, 1)])
def test_a_date_outside_the_roadmap_is_refused(organization, cco_user, due):
    """Year 9999 (which once broke the timeline) and year 1000 are refused, saying which years are possible."""
    milestone = MilestoneFactory(organization=organization)

    with pytest.raises(ValidationError, match="is outside the roadmap; choose a day from 1900 to"):
        services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, due_date=due)


class _DeadlockDetected(Exception):
    """What psycopg raises for a deadlock's victim; Django wraps it in its OperationalError."""

    sqlstate = "40P01"


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _DeadlockDetected()
    return error


def test_a_change_the_database_ends_to_break_a_deadlock_is_tried_again(
    transactional_db, organization, cco_user, monkeypatch
):
    """The database chose this change as a deadlock's victim once: it runs again and is saved, instead of
    reaching the person as a server error (it once gave a 500)."""
    first = MilestoneFactory(organization=organization, title="A")
    second = MilestoneFactory(organization=organization, title="B")
    validate, victims = services._validate, []

    def deadlocked_once(*args, **kwargs):
        if not victims:
            victims.append(True)
            raise _deadlock()
        return validate(*args, **kwargs)

    monkeypatch.setattr(services, "_validate", deadlocked_once)

    services.update_milestone(milestone=first, changed_by=cco_user, may_edit_all=True, dependencies=[second])

    assert victims == [True]
    assert list(first.dependencies.all()) == [second]


def test_a_change_that_keeps_deadlocking_stops_after_three_tries(transactional_db, organization, cco_user, monkeypatch):
    first = MilestoneFactory(organization=organization, title="A")
    second = MilestoneFactory(organization=organization, title="B")
    tries = []

    def always_deadlocked(*args, **kwargs):
        tries.append(True)
        raise _deadlock()

    monkeypatch.setattr(services, "_validate", always_deadlocked)

    with pytest.raises(OperationalError, match="deadlock detected"):
        services.update_milestone(milestone=first, changed_by=cco_user, may_edit_all=True, dependencies=[second])

    assert len(tries) == 3
    assert list(first.dependencies.all()) == []
