"""The roadmap pages through Django's test client: who may change what on a milestone, the forms' limits to
the organization's own members, areas and milestones, the service's refusals shown on the forms, the
filters, the CSV export, the starter roadmap, the areas and the maturity stage.

Who may open which page at all is the access matrix's business (tests/test_access_matrix.py); these
tests follow one person through a page and check what it shows and what it changes.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from roadmap.models import MaturityAssessment, Milestone, OperationalArea, Status
from roadmap.starter import STARTER_MILESTONES
from tests.factories import MembershipFactory, UserFactory
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory, competency

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(organization, name: str, **kwargs) -> str:
    return reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def milestone_url(milestone: Milestone, name: str = "milestone") -> str:
    return url(milestone.organization, name, milestone_id=milestone.pk)


def full_form(milestone: Milestone, **changes) -> dict:
    """The CCO's milestone form as the page fills it for `milestone`, with `changes`."""
    data = {
        "competency": milestone.competency.number,
        "title": milestone.title,
        "description": milestone.description,
        "owner": milestone.owner_id or "",
        "areas": [area.pk for area in milestone.areas.all()],
        "start_date": milestone.start_date.isoformat() if milestone.start_date else "",
        "due_date": milestone.due_date.isoformat() if milestone.due_date else "",
        "status": milestone.status,
        "percent_complete": milestone.percent_complete,
        "blocked_reason": milestone.blocked_reason,
        "notes": milestone.notes,
        "dependencies": [dependency.pk for dependency in milestone.dependencies.all()],
        "override_reason": milestone.override_reason,
    }
    data.update(changes)
    return data


def titles(response) -> list[str]:
    return [milestone.title for milestone in response.context["milestones"]]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def owner(member_of):
    return member_of(Role.EXECUTIVE, full_name="Olive Owner")


@pytest.fixture
def owned(organization, owner):
    """A milestone of `organization` owned by an executive."""
    return MilestoneFactory(organization=organization, owner=owner, title="Map the journey")


class TestOverviewAndStarter:
    def test_cco_is_offered_the_starter_roadmap_when_nothing_is_planned(self, client, organization, cco_user):
        """Given no milestones, when the CCO opens the roadmap, then it offers to apply the starter roadmap."""
        client.force_login(cco_user)

        response = client.get(url(organization, "overview"))

        assert response.status_code == 200
        assert b"Apply the starter roadmap" in response.content
        assert url(organization, "starter").encode() in response.content

    @pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.LEADERSHIP])
    def test_readers_are_told_the_cco_has_not_planned_yet(self, client, organization, member_of, role):
        """Given no milestones, when a reader opens the roadmap, then it explains that the CCO has not planned,
        without the starter button."""
        client.force_login(member_of(role))

        response = client.get(url(organization, "overview"))

        assert b"has not planned the roadmap yet" in response.content
        assert b"Apply the starter roadmap" not in response.content

    def test_applying_the_starter_roadmap_adds_its_milestones_once(self, client, organization, cco_user):
        """When the CCO applies the starter roadmap twice, then its milestones exist once, with their
        dependencies, and the roll-up counts them per competency."""
        client.force_login(cco_user)

        first = client.post(url(organization, "starter"), follow=True)
        second = client.post(url(organization, "starter"), follow=True)

        milestones = Milestone.objects.for_organization(organization)
        assert milestones.count() == len(STARTER_MILESTONES)
        assert f"{len(STARTER_MILESTONES)} starter milestones added" in first.content.decode()
        assert "Every starter milestone is already on the roadmap." in second.content.decode()
        feed = milestones.get(title="Establish a recurring customer data feed")
        assert list(feed.dependencies.values_list("title", flat=True)) == [
            "Agree the customer-asset metrics with the leadership team"
        ]
        rollups = {rollup.competency.number: rollup for rollup in second.context["rollups"]}
        assert (rollups[1].done, rollups[1].total) == (0, 3)

    def test_roll_up_shows_done_overdue_and_stage(self, client, organization, leadership_user, cco_user):
        """Given milestones done, overdue and open, and a maturity stage, when leadership reads the roll-up,
        then it shows done of total, the overdue count and the stage per competency."""
        MilestoneFactory(organization=organization, done=True)
        MilestoneFactory(organization=organization, due_date=TODAY - timedelta(days=3))
        MilestoneFactory(organization=organization)
        MaturityAssessment.objects.create(
            organization=organization, competency=competency(1), stage=3, note="Leaders own it.", assessed_by=cco_user
        )
        client.force_login(leadership_user)

        response = client.get(url(organization, "overview"))

        content = response.content.decode()
        assert "1 of 3</strong> done (33%)" in content
        assert "1 overdue" in content
        assert "Stage 3 of 5 · Established" in content


class TestMilestonePermissions:
    def test_owner_updates_the_progress_of_their_milestone(self, client, owned, owner):
        """Given an executive who owns a milestone, when they post its status, percent and notes, then they
        are saved, and the history names them."""
        client.force_login(owner)

        response = client.post(
            milestone_url(owned),
            {"status": Status.IN_PROGRESS, "percent_complete": 40, "notes": "Draft shared", "blocked_reason": ""},
        )

        assert response.status_code == 302
        owned.refresh_from_db()
        assert (owned.status, owned.percent_complete, owned.notes) == (Status.IN_PROGRESS, 40, "Draft shared")
        page = client.get(milestone_url(owned)).content.decode()
        assert "Olive Owner</span> changed it" in page
        assert "Percent complete" in page

    def test_owner_cannot_change_the_title(self, client, owned, owner):
        """Given the owner of a milestone, when they open it and post a new title with their progress, then
        their form has no title field and the title stays as the CCO wrote it."""
        client.force_login(owner)

        page = client.get(milestone_url(owned))
        client.post(
            milestone_url(owned),
            {"title": "Something else", "status": Status.IN_PROGRESS, "percent_complete": 10},
        )

        assert "title" not in page.context["form"].fields
        assert b"Update your progress" in page.content
        owned.refresh_from_db()
        assert owned.title == "Map the journey"
        assert owned.status == Status.IN_PROGRESS

    def test_blocked_needs_a_reason(self, client, owned, owner):
        """When the owner marks their milestone blocked without a reason, then the form asks for one."""
        client.force_login(owner)

        response = client.post(milestone_url(owned), {"status": Status.BLOCKED, "percent_complete": 10})

        assert response.status_code == 200
        assert "Say what blocks the milestone" in response.content.decode()
        owned.refresh_from_db()
        assert owned.status == Status.PLANNED

    @pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.LEADERSHIP])
    def test_readers_who_do_not_own_it_only_read(self, client, owned, member_of, role):
        """Given a member who neither manages nor owns a milestone, when they open it, then there is no form;
        when they post anyway, then they get 403 and nothing changes."""
        client.force_login(member_of(role))

        page = client.get(milestone_url(owned))
        response = client.post(milestone_url(owned), {"status": Status.DONE, "percent_complete": 100})

        assert page.context["form"] is None
        assert b"You can read this milestone." in page.content
        assert response.status_code == 403
        owned.refresh_from_db()
        assert owned.status == Status.PLANNED

    def test_owner_cannot_override_an_unfinished_dependency(self, client, organization, owner):
        """Given an owned milestone that depends on one not done, when the owner marks it done, then the
        form refuses and sends them to the CCO."""
        first = MilestoneFactory(organization=organization, title="Agree the metrics")
        owned = MilestoneFactory(organization=organization, owner=owner, dependencies=[first])
        client.force_login(owner)

        response = client.post(milestone_url(owned), {"status": Status.DONE, "percent_complete": 100})

        content = response.content.decode()
        assert response.status_code == 200
        assert "It depends on milestones that are not done: Agree the metrics" in content
        assert "ask the CCO to override" in content
        owned.refresh_from_db()
        assert owned.status == Status.PLANNED

    def test_cco_overrides_an_unfinished_dependency_with_a_reason(self, client, organization, cco_user):
        """Given a milestone that depends on one not done, when the CCO marks it done without a reason, then
        it is refused; with a reason, then it is done and the reason is shown."""
        first = MilestoneFactory(organization=organization, title="Agree the metrics")
        second = MilestoneFactory(organization=organization, dependencies=[first])
        client.force_login(cco_user)

        refused = client.post(milestone_url(second), full_form(second, status=Status.DONE))
        accepted = client.post(
            milestone_url(second), full_form(second, status=Status.DONE, override_reason="Agreed in the room.")
        )

        assert "or give a reason to override" in refused.content.decode()
        assert accepted.status_code == 302
        second.refresh_from_db()
        assert (second.status, second.percent_complete) == (Status.DONE, 100)
        assert "Agreed in the room." in client.get(milestone_url(second)).content.decode()

    def test_cco_edits_everything(self, client, organization, cco_user, owner):
        """When the CCO changes the title, competency, owner, areas, dates and dependencies, then all are
        saved."""
        milestone = MilestoneFactory(organization=organization)
        other = MilestoneFactory(organization=organization, due_date=TODAY + timedelta(days=5))
        area = OperationalAreaFactory(organization=organization, name="Billing")
        client.force_login(cco_user)

        response = client.post(
            milestone_url(milestone),
            full_form(
                milestone,
                title="Renamed",
                competency=4,
                owner=owner.pk,
                areas=[area.pk],
                start_date=TODAY.isoformat(),
                due_date=(TODAY + timedelta(days=9)).isoformat(),
                dependencies=[other.pk],
            ),
        )

        assert response.status_code == 302
        milestone.refresh_from_db()
        assert (milestone.title, milestone.competency.number, milestone.owner) == ("Renamed", 4, owner)
        assert list(milestone.areas.all()) == [area]
        assert list(milestone.dependencies.all()) == [other]
        assert milestone.due_date == TODAY + timedelta(days=9)

    def test_a_dependency_loop_is_refused_on_the_form(self, client, organization, cco_user):
        """Given A depends on B, when the CCO makes B depend on A, then the form names the loop and nothing
        changes."""
        b = MilestoneFactory(organization=organization, title="B: the data feed")
        a = MilestoneFactory(organization=organization, title="A: the metrics", dependencies=[b])
        client.force_login(cco_user)

        response = client.post(milestone_url(b), full_form(b, dependencies=[a.pk]))

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert (
            "That would make a loop: B: the data feed → A: the metrics → B: the data feed" in errors["dependencies"][0]
        )
        assert "That would make a loop" in response.content.decode()
        assert not b.dependencies.exists()

    def test_the_due_date_must_follow_the_start(self, client, organization, cco_user):
        """When the CCO sets a due date before the start date, then the form says so next to the due date."""
        milestone = MilestoneFactory(organization=organization)
        client.force_login(cco_user)

        response = client.post(
            milestone_url(milestone),
            full_form(milestone, start_date=TODAY.isoformat(), due_date=(TODAY - timedelta(days=1)).isoformat()),
        )

        assert response.context["form"].errors["due_date"] == ["The due date must be on or after the start date."]

    def test_another_organizations_milestone_is_not_found(self, client, organization, other_organization, cco_user):
        """When the CCO guesses the id of another organization's milestone, then it is a 404."""
        foreign = MilestoneFactory(organization=other_organization)
        client.force_login(cco_user)

        assert client.get(url(organization, "milestone", milestone_id=foreign.pk)).status_code == 404
        assert client.post(url(organization, "milestone_delete", milestone_id=foreign.pk)).status_code == 404


class TestFormChoicesStayInTheOrganization:
    def test_owner_areas_and_dependencies_come_from_the_organization(
        self, client, organization, other_organization, cco_user, owner
    ):
        """When the CCO opens the new-milestone form, then owners are members, areas and dependencies are
        the organization's own."""
        stranger = UserFactory(full_name="Stranger Danger")
        MembershipFactory(organization=other_organization, user=stranger)
        OperationalAreaFactory(organization=organization, name="Billing")
        OperationalAreaFactory(organization=other_organization, name="Foreign area")
        MilestoneFactory(organization=organization, title="Ours")
        MilestoneFactory(organization=other_organization, title="Theirs")
        client.force_login(cco_user)

        form = client.get(url(organization, "milestone_create")).context["form"]

        assert set(form.fields["owner"].queryset) == {cco_user, owner}
        assert [area.name for area in form.fields["areas"].queryset] == ["Billing"]
        assert [m.title for m in form.fields["dependencies"].queryset] == ["Ours"]

    def test_posting_foreign_objects_is_refused(self, client, organization, other_organization, cco_user):
        """When a crafted form names another organization's member, area or milestone, then each is refused
        and no milestone is created."""
        stranger = MembershipFactory(organization=other_organization).user
        foreign_area = OperationalAreaFactory(organization=other_organization)
        foreign_milestone = MilestoneFactory(organization=other_organization)
        client.force_login(cco_user)

        response = client.post(
            url(organization, "milestone_create"),
            {
                "competency": 1,
                "title": "Sneaky",
                "status": Status.PLANNED,
                "percent_complete": 0,
                "owner": stranger.pk,
                "areas": [foreign_area.pk],
                "dependencies": [foreign_milestone.pk],
            },
        )

        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"owner", "areas", "dependencies"}
        assert not Milestone.objects.for_organization(organization).exists()

    def test_cco_creates_a_milestone(self, client, organization, cco_user, owner):
        """When the CCO adds a milestone with an owner, then it exists in the competency and its page opens."""
        client.force_login(cco_user)

        response = client.post(
            url(organization, "milestone_create"),
            {
                "competency": 2,
                "title": "Map the journey",
                "status": Status.PLANNED,
                "percent_complete": 0,
                "owner": owner.pk,
                "due_date": (TODAY + timedelta(days=30)).isoformat(),
            },
        )

        milestone = Milestone.objects.for_organization(organization).get()
        assert response["Location"] == milestone_url(milestone)
        assert (milestone.competency.number, milestone.owner, milestone.created_by) == (2, owner, cco_user)


class TestListsAndFilters:
    @pytest.fixture
    def planned(self, organization, owner):
        """Four milestones that differ in owner, area, status, competency and due date."""
        billing = OperationalAreaFactory(organization=organization, name="Billing")
        return {
            "mine_billing": MilestoneFactory(
                organization=organization, title="Owned, billing", owner=owner, areas=[billing]
            ),
            "done": MilestoneFactory(organization=organization, title="Done one", done=True),
            "overdue": MilestoneFactory(
                organization=organization,
                title="Late one",
                due_date=TODAY - timedelta(days=5),
                competency=competency(3),
            ),
            "later": MilestoneFactory(
                organization=organization, title="Much later", due_date=TODAY + timedelta(days=200)
            ),
            "billing": billing,
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, {"Owned, billing", "Done one", "Late one", "Much later"}),
            ({"status": "done"}, {"Done one"}),
            ({"overdue": "on"}, {"Late one"}),
            ({"competency": "3"}, {"Late one"}),
            ({"due_from": (TODAY + timedelta(days=100)).isoformat()}, {"Much later"}),
            ({"due_to": TODAY.isoformat()}, {"Late one"}),
        ],
    )
    def test_filters(self, client, organization, leadership_user, planned, query, expected):
        """When leadership filters the milestone list, then only the matching milestones are listed."""
        client.force_login(leadership_user)

        response = client.get(url(organization, "milestones"), query)

        assert set(titles(response)) == expected

    def test_filter_by_owner_and_area(self, client, organization, leadership_user, planned, owner):
        """When leadership filters by owner, or by area, then only that owner's, or that area's, are listed."""
        client.force_login(leadership_user)

        by_owner = client.get(url(organization, "milestones"), {"owner": owner.pk})
        by_area = client.get(url(organization, "milestones"), {"area": planned["billing"].pk})

        assert titles(by_owner) == titles(by_area) == ["Owned, billing"]

    def test_a_foreign_owner_in_the_filter_is_an_error_not_a_leak(
        self, client, organization, other_organization, leadership_user, planned
    ):
        """When the owner filter names someone of another organization, then the filter says it is not a
        valid choice and lists this organization's milestones unfiltered."""
        stranger = MembershipFactory(organization=other_organization).user
        MilestoneFactory(organization=other_organization, owner=stranger, title="Theirs")
        client.force_login(leadership_user)

        response = client.get(url(organization, "milestones"), {"owner": stranger.pk})

        assert "owner" in response.context["filter_form"].errors
        assert "Theirs" not in titles(response)
        assert len(titles(response)) == 4

    def test_the_list_is_paginated_at_100(self, client, organization, leadership_user):
        """Given 105 milestones, when leadership pages through the list, then 100 are on the first page and 5
        on the second."""
        Milestone.objects.bulk_create(
            Milestone(organization=organization, competency=competency(1), title=f"M{i}") for i in range(105)
        )
        client.force_login(leadership_user)

        first = client.get(url(organization, "milestones"))
        second = client.get(url(organization, "milestones"), {"page": 2})

        assert len(first.context["milestones"]) == 100
        assert len(second.context["milestones"]) == 5
        assert b"showing 1\xe2\x80\x93100" in first.content

    def test_my_milestones_lists_only_mine_open_first(self, client, organization, owner):
        """When an owner opens My milestones, then theirs are listed, open ones apart from done ones."""
        MilestoneFactory(organization=organization, owner=owner, title="Open")
        MilestoneFactory(organization=organization, owner=owner, title="Finished", done=True)
        MilestoneFactory(organization=organization, title="Someone else's")
        client.force_login(owner)

        response = client.get(url(organization, "mine"))

        assert [m.title for m in response.context["open_milestones"]] == ["Open"]
        assert [m.title for m in response.context["done_milestones"]] == ["Finished"]
        assert b"Someone else" not in response.content

    def test_timeline_marks_overdue_in_words_and_counts_undated(self, client, organization, executive_user, planned):
        """When an executive opens the timeline, then an overdue milestone says so in words, today's line is
        drawn, and milestones without a due date are counted as left out."""
        MilestoneFactory(organization=organization, title="Undated", due_date=None)
        client.force_login(executive_user)

        response = client.get(url(organization, "timeline"))

        content = response.content.decode()
        assert "Overdue" in content
        assert 'class="timeline-today"' in content
        assert "1 milestone has no due date" in content
        assert "Undated" not in [bar.milestone.title for _, bars in response.context["timeline"].rows for bar in bars]


class TestCsv:
    def test_export_lists_the_filtered_milestones_with_their_details(self, client, organization, executive_user, owner):
        """When an executive downloads the CSV of overdue milestones, then it lists those, with owner, areas
        and dependencies, and text that would start a formula is neutralized."""
        area = OperationalAreaFactory(organization=organization, name="Billing")
        first = MilestoneFactory(organization=organization, title="First")
        MilestoneFactory(
            organization=organization,
            title="=HYPERLINK(evil)",
            owner=owner,
            areas=[area],
            dependencies=[first],
            due_date=TODAY - timedelta(days=1),
        )
        client.force_login(executive_user)

        response = client.get(url(organization, "milestones_csv"), {"overdue": "on"})

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="roadmap-{organization.slug}-' in response["Content-Disposition"]
        (row,) = csv_rows(response)
        assert row["title"] == "'=HYPERLINK(evil)"
        assert (row["owner"], row["owner email"]) == ("Olive Owner", owner.email)
        assert (row["operational areas"], row["depends on"], row["overdue"]) == ("Billing", "First", "yes")

    def test_export_holds_only_this_organizations_milestones(
        self, client, organization, other_organization, executive_user
    ):
        """When an executive downloads the CSV, then another organization's milestones are not in it."""
        MilestoneFactory(organization=organization, title="Ours")
        MilestoneFactory(organization=other_organization, title="Theirs")
        client.force_login(executive_user)

        rows = csv_rows(client.get(url(organization, "milestones_csv")))

        assert [row["title"] for row in rows] == ["Ours"]


class TestBoardAndStages:
    def test_board_shows_a_column_per_status(self, client, organization, leadership_user):
        """When leadership opens a competency's board, then each milestone is in its status's column."""
        MilestoneFactory(organization=organization, title="Started", status=Status.IN_PROGRESS)
        MilestoneFactory(organization=organization, title="Stuck", blocked=True)
        MilestoneFactory(organization=organization, title="Elsewhere", competency=competency(2))
        client.force_login(leadership_user)

        response = client.get(url(organization, "board", number=1))

        columns = {status: [m.title for m in milestones] for status, milestones in response.context["columns"]}
        assert columns == {"planned": [], "in_progress": ["Started"], "blocked": ["Stuck"], "done": []}
        assert b"Set the maturity stage" not in response.content

    def test_unknown_competency_is_not_found(self, client, organization, leadership_user):
        client.force_login(leadership_user)

        assert client.get(url(organization, "board", number=6)).status_code == 404

    def test_cco_sets_the_stage_with_a_note(self, client, organization, cco_user):
        """When the CCO sets a stage with a note, then it is recorded and listed in the maturity history; a
        stage without a note is refused."""
        client.force_login(cco_user)

        refused = client.post(url(organization, "board", number=2), {"stage": 2, "note": " "})
        accepted = client.post(url(organization, "board", number=2), {"stage": 2, "note": "Journey mapped once."})

        assert "note" in refused.context["form"].errors
        assert accepted.status_code == 302
        page = client.get(url(organization, "board", number=2)).content.decode()
        assert "Stage 2 of 5 · Emerging" in page
        assert "Journey mapped once." in page


class TestAreasAndDelete:
    def test_cco_adds_renames_and_removes_areas(self, client, organization, cco_user):
        """When the CCO adds an area, renames it, tries a duplicate name and removes it, then the list follows
        and the duplicate is refused next to its field."""
        OperationalAreaFactory(organization=organization, name="Sales")
        client.force_login(cco_user)

        client.post(url(organization, "areas"), {"action": "add", "new-name": "  Customer   service "})
        area = OperationalArea.objects.for_organization(organization).get(name="Customer service")
        client.post(url(organization, "areas"), {"action": "rename", "area": area.pk, f"area-{area.pk}-name": "Care"})
        duplicate = client.post(
            url(organization, "areas"), {"action": "rename", "area": area.pk, f"area-{area.pk}-name": "sales"}
        )
        client.post(url(organization, "areas"), {"action": "remove", "area": area.pk})

        assert "sales is already on the list." in duplicate.content.decode()
        assert list(OperationalArea.objects.for_organization(organization).values_list("name", flat=True)) == ["Sales"]

    def test_another_organizations_area_cannot_be_removed(self, client, organization, other_organization, cco_user):
        foreign = OperationalAreaFactory(organization=other_organization)
        client.force_login(cco_user)

        response = client.post(url(organization, "areas"), {"action": "remove", "area": foreign.pk})

        assert response.status_code == 404
        assert OperationalArea.objects.filter(pk=foreign.pk).exists()

    def test_delete_asks_first_and_names_what_waits_for_it(self, client, organization, cco_user):
        """When the CCO opens the delete page of a milestone others wait for, then it names them; when they
        confirm, then the milestone is gone and they are back on its competency's board."""
        milestone = MilestoneFactory(organization=organization, title="Agree the metrics")
        MilestoneFactory(organization=organization, title="Data feed", dependencies=[milestone])
        client.force_login(cco_user)

        confirm = client.get(milestone_url(milestone, "milestone_delete"))
        response = client.post(milestone_url(milestone, "milestone_delete"))

        assert "1 milestone waits for it" in confirm.content.decode()
        assert "Data feed" in confirm.content.decode()
        assert response["Location"] == url(organization, "board", number=1)
        assert not Milestone.objects.filter(pk=milestone.pk).exists()
