"""The reads of the roadmap: overdue, the roll-up per competency, filtered lists, history and the timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest

from cco_portal.organizations.roles import Role
from roadmap import selectors, services
from roadmap.models import Milestone, Stage, Status
from roadmap.selectors import MilestoneFilter
from tests.roadmap.factories import MaturityAssessmentFactory, MilestoneFactory, OperationalAreaFactory, competency

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 14)


def days(n: int) -> date:
    """The day `n` days from the frozen today."""
    return TODAY + timedelta(days=n)


@pytest.fixture
def frozen(clock):
    """The clock stopped on 14 March 2025, mid-morning."""
    clock.current = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
    return clock


def titles(milestones) -> list[str]:
    return [m.title for m in milestones]


# overdue


def test_overdue_is_a_passed_due_date_and_not_done(organization, frozen):
    """Due yesterday and open: overdue. Due today, done, or without a due date: not."""
    # given
    late = MilestoneFactory(organization=organization, title="Due yesterday", due_date=days(-1))
    MilestoneFactory(organization=organization, title="Blocked, due last week", due_date=days(-7), blocked=True)
    due_today = MilestoneFactory(organization=organization, title="Due today", due_date=TODAY)
    done = MilestoneFactory(organization=organization, title="Done late", due_date=days(-1), done=True)
    undated = MilestoneFactory(organization=organization, title="Undated", due_date=None)

    # when
    overdue = Milestone.objects.for_organization(organization).overdue().order_by("due_date")

    # then
    assert titles(overdue) == ["Blocked, due last week", "Due yesterday"]
    assert late.is_overdue
    assert not any(m.is_overdue for m in (due_today, done, undated))


def test_overdue_turns_true_the_day_after_the_due_date(organization, frozen):
    """A milestone due today becomes overdue when the clock passes midnight."""
    # given
    milestone = MilestoneFactory(organization=organization, due_date=TODAY)

    # when
    frozen.advance(days=1)

    # then
    assert milestone.is_overdue
    assert list(Milestone.objects.overdue()) == [milestone]


# roll-up per competency


def test_competency_rollup_counts_each_competency(organization, other_organization, frozen):
    """Done of total, in progress, blocked, overdue and due within 30 days, and the latest stage; other
    organizations' milestones and stages count for nothing."""
    # given competency 1 with one milestone in each situation
    for title, kwargs in [
        ("Done", {"done": True, "due_date": days(-20)}),
        ("In progress, overdue", {"status": Status.IN_PROGRESS, "due_date": days(-1)}),
        ("Blocked, due soon", {"blocked": True, "due_date": days(10)}),
        ("Due today", {"due_date": TODAY}),
        ("Due in 30 days", {"due_date": days(30)}),
        ("Due in 31 days", {"due_date": days(31)}),
        ("Undated", {"due_date": None}),
    ]:
        MilestoneFactory(organization=organization, competency=competency(1), title=title, **kwargs)
    # and competency 2 all done, competency 3 and 4 with nothing
    MilestoneFactory.create_batch(2, organization=organization, competency=competency(2), done=True)
    MilestoneFactory(organization=organization, competency=competency(5), status=Status.IN_PROGRESS)
    MaturityAssessmentFactory(organization=organization, competency=competency(1), stage=Stage.NOT_STARTED)
    MaturityAssessmentFactory(
        organization=organization,
        competency=competency(1),
        stage=Stage.EMERGING,
        assessed_at=frozen() - timedelta(days=1),
    )
    MaturityAssessmentFactory(
        organization=organization,
        competency=competency(1),
        stage=Stage.ESTABLISHED,
        assessed_at=frozen() - timedelta(days=90),
    )
    # and another organization with its own milestones and stage
    MilestoneFactory(organization=other_organization, competency=competency(1), due_date=days(-3))
    MilestoneFactory(organization=other_organization, competency=competency(3), done=True)
    MaturityAssessmentFactory(organization=other_organization, competency=competency(3), stage=Stage.LEADING)

    # when
    rollup = selectors.competency_rollup(organization)

    # then
    counts = {
        r.competency.number: (r.total, r.done, r.in_progress, r.blocked, r.overdue, r.due_soon, r.percent_done, r.stage)
        for r in rollup
    }
    assert counts == {
        1: (7, 1, 1, 1, 1, 3, 14, Stage.NOT_STARTED),
        2: (2, 2, 0, 0, 0, 0, 100, None),
        3: (0, 0, 0, 0, 0, 0, 0, None),
        4: (0, 0, 0, 0, 0, 0, 0, None),
        5: (1, 0, 1, 0, 0, 1, 0, None),
    }


def test_competency_rollup_takes_today_from_the_caller(organization):
    """A given `today` decides what is overdue and due soon, whatever the clock says."""
    # given
    MilestoneFactory(organization=organization, due_date=date(2025, 3, 1))

    # when
    before, after = (selectors.competency_rollup(organization, today=d)[0] for d in (date(2025, 2, 1), TODAY))

    # then
    assert (before.overdue, before.due_soon) == (0, 1)
    assert (after.overdue, after.due_soon) == (1, 0)


# filtered lists


@pytest.fixture
def board(organization, other_organization, member_of, frozen):
    """Four milestones of Acme across competencies, owners, areas and dates, and one of Globex."""
    sales, it = (OperationalAreaFactory(organization=organization, name=name) for name in ("Sales", "IT"))
    olive, pat = member_of(Role.EXECUTIVE), member_of(Role.CCO)
    milestones = {
        "metrics": MilestoneFactory(
            organization=organization, competency=competency(1), title="Metrics", owner=olive, due_date=days(-5)
        ),
        "feed": MilestoneFactory(
            organization=organization,
            competency=competency(1),
            title="Feed",
            owner=pat,
            areas=[sales, it],
            status=Status.IN_PROGRESS,
            due_date=days(20),
        ),
        "journey": MilestoneFactory(
            organization=organization,
            competency=competency(2),
            title="Journey",
            owner=olive,
            areas=[sales],
            done=True,
            due_date=days(-30),
        ),
        "room": MilestoneFactory(organization=organization, competency=competency(5), title="Room", due_date=None),
    }
    MilestoneFactory(organization=other_organization, competency=competency(1), title="Globex", due_date=days(-5))
    return {"sales": sales, "it": it, "olive": olive, "pat": pat, **milestones}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (lambda b: MilestoneFilter(), ["Metrics", "Feed", "Journey", "Room"]),
        (lambda b: MilestoneFilter(competency=1), ["Metrics", "Feed"]),
        (lambda b: MilestoneFilter(owner=b["olive"].pk), ["Metrics", "Journey"]),
        (lambda b: MilestoneFilter(area=b["sales"].pk), ["Feed", "Journey"]),
        (lambda b: MilestoneFilter(status=Status.IN_PROGRESS), ["Feed"]),
        (lambda b: MilestoneFilter(overdue=True), ["Metrics"]),
        (lambda b: MilestoneFilter(due_from=days(-5)), ["Metrics", "Feed"]),
        (lambda b: MilestoneFilter(due_to=days(-5)), ["Metrics", "Journey"]),
        (lambda b: MilestoneFilter(due_from=days(-10), due_to=days(10)), ["Metrics"]),
        (lambda b: MilestoneFilter(competency=1, owner=b["pat"].pk, area=b["it"].pk), ["Feed"]),
        (lambda b: MilestoneFilter(competency=3), []),
    ],
)
def test_milestones_filters(organization, board, filters, expected):
    """Each filter narrows the organization's milestones, ordered by competency then due date."""
    # when
    found = selectors.milestones(organization, filters(board))

    # then
    assert titles(found) == expected


def test_milestones_preloads_what_a_list_shows(organization, board, django_assert_num_queries):
    """Competency, owner, areas and dependencies come in a fixed number of queries."""
    # given
    board["feed"].dependencies.add(board["metrics"])

    # when
    with django_assert_num_queries(3):
        shown = [
            (
                m.competency.number,
                m.owner and m.owner.email,
                [a.name for a in m.areas.all()],
                titles(m.dependencies.all()),
            )
            for m in selectors.milestones(organization)
        ]

    # then
    assert shown[1] == (1, board["pat"].email, ["IT", "Sales"], ["Metrics"])


def test_my_milestones_lists_open_ones_first_by_due_date(organization, member_of):
    """What I own: open milestones by due date, undated after dated, done ones last."""
    # given
    me = member_of(Role.EXECUTIVE)
    for title, kwargs in [
        ("Done", {"done": True, "due_date": date(2025, 1, 1)}),
        ("Undated", {"due_date": None}),
        ("Later", {"due_date": date(2025, 6, 1)}),
        ("Sooner", {"due_date": date(2025, 4, 1)}),
    ]:
        MilestoneFactory(organization=organization, owner=me, title=title, **kwargs)
    MilestoneFactory(organization=organization, owner=member_of(Role.CCO), title="Someone else's")

    # when
    mine = selectors.my_milestones(organization, me)

    # then
    assert titles(mine) == ["Sooner", "Later", "Undated", "Done"]


# maturity history


def test_maturity_history_lists_each_competencys_stages_newest_first(organization, other_organization, frozen):
    """Per competency number, every dated stage, the latest first; another organization's are not there."""
    # given
    for stage, days_ago in [(Stage.NOT_STARTED, 120), (Stage.ESTABLISHED, 10), (Stage.EMERGING, 60)]:
        MaturityAssessmentFactory(
            organization=organization, competency=competency(4), stage=stage, assessed_at=frozen() - timedelta(days_ago)
        )
    MaturityAssessmentFactory(organization=other_organization, competency=competency(2))

    # when
    history = selectors.maturity_history(organization)

    # then
    assert {n: [a.stage for a in stages] for n, stages in history.items()} == {
        4: [Stage.ESTABLISHED, Stage.EMERGING, Stage.NOT_STARTED]
    }


# history of a milestone


def test_milestone_history_says_who_changed_what_newest_first(organization, cco_user, member_of):
    """Creation, then each change with readable before and after values: labels, names, dates."""
    # given
    olive = member_of(Role.EXECUTIVE, full_name="Olive Owner")
    milestone = services.create_milestone(
        organization=organization,
        competency=competency(1),
        title="Agree the metrics",
        due_date=date(2025, 4, 30),
        created_by=cco_user,
    )
    services.update_milestone(
        milestone=milestone, changed_by=cco_user, may_edit_all=True, owner=olive, due_date=date(2025, 5, 15)
    )
    services.update_milestone(
        milestone=milestone, changed_by=olive, may_edit_all=False, status=Status.IN_PROGRESS, percent_complete=30
    )

    # when
    history = selectors.milestone_history(milestone)

    # then
    assert [(change.who, change.what, change.fields) for change in history] == [
        ("Olive Owner", "changed", [("percent complete", "0", "30"), ("status", "Planned", "In progress")]),
        (
            cco_user.display_name,
            "changed",
            [("due date", "2025-04-30", "2025-05-15"), ("owner", "—", "Olive Owner")],
        ),
        (cco_user.display_name, "created", []),
    ]
    assert history[0].when >= history[1].when >= history[2].when


def test_milestone_history_counts_areas_and_dependencies_and_names_the_portal(organization, cco_user):
    """Changes to areas and dependencies show as counts; a change without a person is the portal's."""
    # given
    milestone = MilestoneFactory(organization=organization, title="Feed")
    areas = [OperationalAreaFactory(organization=organization) for _ in range(2)]

    # when
    services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, areas=areas)
    history = selectors.milestone_history(milestone)

    # then
    assert [(change.who, change.what, change.fields) for change in history] == [
        (cco_user.display_name, "changed", [("areas", "0 areas", "2 areas")]),
        ("The portal", "created", []),
    ]


# the timeline


def test_timeline_places_bars_and_todays_line_on_one_axis(organization, frozen):
    """The axis runs from the first month with a milestone (or today) to two weeks after the last due date;
    rows are competencies in order, bars by due date; undated milestones stay off the timeline."""
    # given
    march = MilestoneFactory(
        organization=organization,
        competency=competency(1),
        title="March",
        start_date=date(2025, 3, 1),
        due_date=date(2025, 3, 31),
    )
    february = MilestoneFactory(
        organization=organization,
        competency=competency(1),
        title="February",
        start_date=date(2025, 2, 10),
        due_date=date(2025, 2, 20),
    )
    may = MilestoneFactory(
        organization=organization, competency=competency(2), title="May", start_date=None, due_date=date(2025, 5, 10)
    )
    MilestoneFactory(organization=organization, competency=competency(3), title="Undated", due_date=None)

    # when
    timeline = selectors.timeline(organization)

    # then the axis spans 1 February to 24 May, 112 days
    assert (timeline.start, timeline.end) == (date(2025, 2, 1), date(2025, 5, 24))
    assert timeline.today == pytest.approx(100 * 41 / 112, abs=0.01)
    assert [month for month, _ in timeline.months] == [date(2025, m, 1) for m in (2, 3, 4, 5)]
    assert [position for _, position in timeline.months] == pytest.approx([0, 25.0, 52.68, 79.46], abs=0.01)
    # and the bars sit in their competencies' rows, in order of due date
    assert [(c.number, [bar.milestone for bar in bars]) for c, bars in timeline.rows] == [
        (1, [february, march]),
        (2, [may]),
    ]
    march_bar = timeline.rows[0][1][1]
    assert (march_bar.left, march_bar.width) == pytest.approx((25.0, 27.68), abs=0.01)
    # and a milestone without a start date is a short mark at its due date
    may_bar = timeline.rows[1][1][0]
    assert may_bar.left == pytest.approx(100 * 98 / 112, abs=0.01)
    assert may_bar.width == pytest.approx(0.89, abs=0.01)


def test_timeline_of_an_empty_roadmap_shows_today(organization, frozen):
    """Without dated milestones the axis is this month and two weeks after today."""
    # when
    timeline = selectors.timeline(organization)

    # then
    assert (timeline.start, timeline.end, timeline.rows) == (date(2025, 3, 1), date(2025, 3, 28), [])
    assert timeline.today == pytest.approx(100 * 13 / 27, abs=0.01)


def test_the_timeline_opens_at_today_with_the_past_a_click_away(organization, frozen):
    """One milestone from a year ago no longer pushes today off-screen: the timeline opens a month before
    today and says how many milestones ended before; asked for the past, it starts at the first."""
    old = MilestoneFactory(organization=organization, start_date=date(2024, 2, 1), due_date=date(2024, 3, 1))
    ahead = MilestoneFactory(organization=organization, start_date=TODAY, due_date=TODAY + timedelta(days=60))

    opened = selectors.timeline(organization)
    past = selectors.timeline(organization, show_the_past=True)

    assert opened.start == date(2025, 2, 1)
    assert opened.earlier == 1
    assert [bar.milestone for _, bars in opened.rows for bar in bars] == [ahead]
    assert 0 < opened.today < 50
    assert past.start == date(2024, 2, 1)
    assert {bar.milestone for _, bars in past.rows for bar in bars} == {old, ahead}


def test_a_due_date_far_in_the_future_does_not_break_the_timeline(organization, frozen):
    """A due date of 9999-12-31 once broke the timeline: it now reaches at most the five-year horizon, the bar
    running to its end."""
    far = MilestoneFactory(organization=organization, start_date=TODAY, due_date=date(9999, 12, 31))

    shown = selectors.timeline(organization)

    assert shown.end <= TODAY + timedelta(days=5 * 366 + 14)
    ((_, (bar,)),) = shown.rows
    assert bar.milestone == far
    assert bar.left + bar.width <= 100.01


# who may change a milestone: one rule for the page, the API and the service


@pytest.mark.parametrize(
    ("roles", "owns", "changes_it", "changes_every_field"),
    [
        ({Role.ADMIN}, False, True, True),
        ({Role.CCO}, False, True, True),
        ({Role.LEADERSHIP}, False, False, False),
        ({Role.EXECUTIVE}, False, False, False),
        ({Role.EXECUTIVE}, True, True, False),
        ({Role.LEADERSHIP, Role.EXECUTIVE}, True, True, False),
    ],
)
def test_the_cco_and_admins_change_every_field_and_an_owner_only_their_progress(
    organization, executive_user, roles, owns, changes_it, changes_every_field
):
    milestone = MilestoneFactory(organization=organization, owner=executive_user if owns else None)

    assert selectors.can_change_milestone(milestone, executive_user, roles) is changes_it
    assert selectors.can_change_every_field(roles) is changes_every_field
