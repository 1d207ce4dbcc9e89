"""The roadmap API: who reads and writes what, ids of another organization, filters, the owner's limited
changes, the service's refusals as 400s, and the schema."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cco_portal.organizations.roles import MANAGERS, Role
from roadmap.models import MaturityAssessment, Milestone, OperationalArea, Stage, Status
from roadmap.starter import STARTER_MILESTONES
from tests.roadmap.factories import MaturityAssessmentFactory, MilestoneFactory, OperationalAreaFactory, competency

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/acme/roadmap"
NON_MANAGERS = [Role.EXECUTIVE, Role.LEADERSHIP]


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def rows(response) -> list[dict]:
    """The items of a paginated list response."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def days_from_today(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def owner(member_of):
    """An executive who owns milestones, without being CCO or admin."""
    return member_of(Role.EXECUTIVE, email="owner@example.com", full_name="Olive Owner")


@pytest.fixture
def milestone(organization, owner):
    return MilestoneFactory(organization=organization, title="Agree the metrics", owner=owner)


@pytest.fixture
def foreign(other_organization, member_of):
    """Globex's own rows, to try through Acme's address."""
    return {
        "member": member_of(Role.EXECUTIVE, org=other_organization),
        "area": OperationalAreaFactory(organization=other_organization, name="Globex sales"),
        "milestone": MilestoneFactory(organization=other_organization, title="Globex milestone"),
    }


# competencies


@pytest.mark.parametrize("role", list(Role))
def test_any_member_reads_the_competencies_with_their_rollup(organization, member_of, role):
    """Five competencies in order, each with its counts and current stage."""
    # given
    MilestoneFactory(organization=organization, competency=competency(2), done=True)
    MilestoneFactory(organization=organization, competency=competency(2), status=Status.IN_PROGRESS)
    MaturityAssessmentFactory(organization=organization, competency=competency(2), stage=Stage.ESTABLISHED)

    # when
    response = signed_in(member_of(role)).get(f"{BASE}/competencies/")

    # then
    assert response.status_code == 200
    competencies = response.json()
    assert [c["number"] for c in competencies] == [1, 2, 3, 4, 5]
    second = competencies[1]
    assert second["short_title"] == "Align around experience"
    assert {k: second[k] for k in ("total", "done", "in_progress", "percent_done", "stage", "stage_label")} == {
        "total": 2,
        "done": 1,
        "in_progress": 1,
        "percent_done": 50,
        "stage": 3,
        "stage_label": "3 · Established",
    }
    assert (competencies[0]["stage"], competencies[0]["stage_label"]) == (None, None)


# maturity stages


def test_any_member_reads_the_maturity_stages_newest_first(organization, leadership_user, other_organization):
    """Every dated stage of the organization, filtered by competency on request."""
    # given
    MaturityAssessmentFactory(organization=organization, competency=competency(1), stage=Stage.NOT_STARTED)
    MaturityAssessmentFactory(organization=organization, competency=competency(3), stage=Stage.EMERGING)
    MaturityAssessmentFactory(organization=other_organization, competency=competency(1))
    client = signed_in(leadership_user)

    # when
    everything = rows(client.get(f"{BASE}/maturity/"))
    first_only = rows(client.get(f"{BASE}/maturity/", {"competency": 1}))

    # then
    assert [(a["competency"], a["stage"]) for a in everything] == [(3, 2), (1, 1)]
    assert [a["stage_label"] for a in first_only] == ["1 · Not started"]


def test_the_cco_sets_a_maturity_stage(organization, cco_user):
    """The stage is recorded with the note and who set it."""
    # when
    response = signed_in(cco_user).post(
        f"{BASE}/maturity/", {"competency": 4, "stage": 2, "note": "One fix is running."}, format="json"
    )

    # then
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("competency", "stage", "note", "assessed_by")} == {
        "competency": 4,
        "stage": 2,
        "note": "One fix is running.",
        "assessed_by": cco_user.pk,
    }
    assert MaturityAssessment.objects.for_organization(organization).get().assessed_by == cco_user


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"competency": 4, "stage": 2, "note": "  "}, "note"),
        ({"competency": 9, "stage": 2, "note": "Why."}, "competency"),
        ({"competency": 4, "stage": 6, "note": "Why."}, "stage"),
    ],
)
def test_a_maturity_stage_needs_a_note_a_competency_and_a_stage(organization, cco_user, body, field):
    """Refused with the field named, and nothing recorded."""
    # when
    response = signed_in(cco_user).post(f"{BASE}/maturity/", body, format="json")

    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not MaturityAssessment.objects.exists()


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_only_managers_set_maturity_stages(organization, member_of, role):
    """Executives and leadership read the stages but may not set them."""
    # when
    response = signed_in(member_of(role)).post(
        f"{BASE}/maturity/", {"competency": 1, "stage": 2, "note": "Mine."}, format="json"
    )

    # then
    assert response.status_code == 403
    assert not MaturityAssessment.objects.exists()


# operational areas


def test_the_cco_adds_renames_and_removes_areas(organization, cco_user):
    """An area is added, renamed, listed by name and removed."""
    # given
    client = signed_in(cco_user)
    OperationalAreaFactory(organization=organization, name="Sales")

    # when
    added = client.post(f"{BASE}/areas/", {"name": " Customer  service "}, format="json")
    area_id = added.json()["id"]
    renamed = client.patch(f"{BASE}/areas/{area_id}/", {"name": "Care"}, format="json")
    listed = client.get(f"{BASE}/areas/")
    removed = client.delete(f"{BASE}/areas/{area_id}/")

    # then
    assert (added.status_code, added.json()["name"]) == (201, "Customer service")
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Care")
    assert [a["name"] for a in listed.json()] == ["Care", "Sales"]
    assert removed.status_code == 204
    assert list(OperationalArea.objects.values_list("name", flat=True)) == ["Sales"]


def test_a_duplicate_area_name_is_refused(organization, cco_user):
    """The service's message comes back under the field."""
    # given
    OperationalAreaFactory(organization=organization, name="Sales")

    # when
    response = signed_in(cco_user).post(f"{BASE}/areas/", {"name": "sales"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"name": ["sales is already on the list."]}


def test_another_organizations_area_is_not_found(organization, cco_user, foreign):
    """Reading, renaming or removing Globex's area through Acme's address: 404, and it stays."""
    # given
    client = signed_in(cco_user)
    url = f"{BASE}/areas/{foreign['area'].pk}/"

    # when
    answers = [
        client.get(url).status_code,
        client.patch(url, {"name": "Ours"}, format="json").status_code,
        client.delete(url).status_code,
    ]

    # then
    assert answers == [404, 404, 404]
    assert OperationalArea.objects.get(pk=foreign["area"].pk).name == "Globex sales"


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_only_managers_change_areas(organization, member_of, role):
    """Other members read the areas and may not add any."""
    # given
    client = signed_in(member_of(role))

    # when
    listed = client.get(f"{BASE}/areas/")
    added = client.post(f"{BASE}/areas/", {"name": "Logistics"}, format="json")

    # then
    assert (listed.status_code, added.status_code) == (200, 403)
    assert not OperationalArea.objects.exists()


# reading milestones


@pytest.fixture
def board(organization, owner, cco_user, foreign):
    """Four milestones of Acme across competencies, owners, areas, statuses and dates."""
    sales = OperationalAreaFactory(organization=organization, name="Sales")
    return {
        "sales": sales,
        "metrics": MilestoneFactory(
            organization=organization,
            competency=competency(1),
            title="Metrics",
            owner=owner,
            due_date=days_from_today(-3),
        ),
        "feed": MilestoneFactory(
            organization=organization,
            competency=competency(1),
            title="Feed",
            owner=cco_user,
            areas=[sales],
            status=Status.IN_PROGRESS,
            due_date=days_from_today(10),
        ),
        "journey": MilestoneFactory(
            organization=organization,
            competency=competency(2),
            title="Journey",
            owner=owner,
            areas=[sales],
            done=True,
            due_date=days_from_today(-20),
        ),
        "room": MilestoneFactory(organization=organization, competency=competency(5), title="Room", due_date=None),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Metrics", "Feed", "Journey", "Room"]),
        ({"competency": 1}, ["Metrics", "Feed"]),
        ({"owner": "owner"}, ["Metrics", "Journey"]),
        ({"area": "sales"}, ["Feed", "Journey"]),
        ({"status": "done"}, ["Journey"]),
        ({"overdue": "true"}, ["Metrics"]),
        ({"due_from": days_from_today(0)}, ["Feed"]),
        ({"due_to": days_from_today(-3)}, ["Metrics", "Journey"]),
        ({"competency": 1, "overdue": "false", "due_from": days_from_today(-5)}, ["Metrics", "Feed"]),
    ],
)
def test_the_milestone_list_filters(organization, leadership_user, owner, board, params, expected):
    """Each query parameter narrows Acme's milestones; Globex's never show."""
    # given
    ids = {"owner": owner.pk, "sales": board["sales"].pk}
    params = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in params.items()}

    # when
    found = rows(signed_in(leadership_user).get(f"{BASE}/milestones/", params))

    # then
    assert [m["title"] for m in found] == expected


@pytest.mark.parametrize("params", [{"status": "finished"}, {"competency": 6}, {"due_from": "tomorrow"}])
def test_a_bad_filter_is_a_400(organization, leadership_user, params):
    """A filter the list cannot apply is refused rather than ignored."""
    # when
    response = signed_in(leadership_user).get(f"{BASE}/milestones/", params)

    # then
    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_a_milestone_reads_with_its_owner_areas_and_dependencies(organization, executive_user, owner, board):
    """The detail shows the ids a client sends back, the owner's name and whether it is overdue."""
    # given
    board["feed"].dependencies.add(board["metrics"])

    # when
    feed = signed_in(executive_user).get(f"{BASE}/milestones/{board['feed'].pk}/").json()
    metrics = signed_in(executive_user).get(f"{BASE}/milestones/{board['metrics'].pk}/").json()

    # then
    assert {k: feed[k] for k in ("competency", "title", "areas", "dependencies", "status", "is_overdue")} == {
        "competency": 1,
        "title": "Feed",
        "areas": [board["sales"].pk],
        "dependencies": [board["metrics"].pk],
        "status": "in_progress",
        "is_overdue": False,
    }
    assert (metrics["owner"], metrics["owner_name"], metrics["is_overdue"]) == (owner.pk, "Olive Owner", True)


def test_another_organizations_milestone_is_not_found(organization, cco_user, foreign):
    """Its detail, history, change and deletion through Acme's address: 404, and nothing changes."""
    # given
    client = signed_in(cco_user)
    url = f"{BASE}/milestones/{foreign['milestone'].pk}/"

    # when
    answers = [
        client.get(url).status_code,
        client.get(f"{url}history/").status_code,
        client.patch(url, {"title": "Ours"}, format="json").status_code,
        client.delete(url).status_code,
    ]

    # then
    assert answers == [404, 404, 404, 404]
    assert Milestone.objects.get(pk=foreign["milestone"].pk).title == "Globex milestone"


# creating milestones


def test_the_cco_creates_a_milestone_and_the_owner_is_emailed(
    organization, cco_user, owner, mailoutbox, django_capture_on_commit_callbacks
):
    """Every field is taken; the owner hears about it once the milestone is saved."""
    # given
    area = OperationalAreaFactory(organization=organization, name="IT")
    first = MilestoneFactory(organization=organization, title="Agree the metrics", due_date=date(2025, 4, 30))
    body = {
        "competency": 1,
        "title": "Establish the data feed",
        "description": "A monthly file.",
        "owner": owner.pk,
        "areas": [area.pk],
        "dependencies": [first.pk],
        "start_date": "2025-04-01",
        "due_date": "2025-05-31",
    }

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cco_user).post(f"{BASE}/milestones/", body, format="json")

    # then
    assert response.status_code == 201, response.content
    created = response.json()
    assert {k: created[k] for k in body} == body
    assert (created["status"], created["percent_complete"], created["created_by"]) == ("planned", 0, cco_user.pk)
    assert [email.to for email in mailoutbox] == [["owner@example.com"]]


@pytest.mark.parametrize("field", ["owner", "areas", "dependencies"])
def test_ids_of_another_organization_are_refused_on_create(organization, cco_user, foreign, field):
    """Another organization's member, area or milestone is unknown here: 400 on that field, nothing saved."""
    # given
    value = {
        "owner": foreign["member"].pk,
        "areas": [foreign["area"].pk],
        "dependencies": [foreign["milestone"].pk],
    }[field]

    # when
    response = signed_in(cco_user).post(
        f"{BASE}/milestones/", {"competency": 1, "title": "Cross-company", field: value}, format="json"
    )

    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Milestone.objects.for_organization(organization).exists()


def test_a_milestone_needs_a_known_competency_and_a_title(organization, cco_user):
    """Both are required; competency numbers run from 1 to 5."""
    # when
    response = signed_in(cco_user).post(f"{BASE}/milestones/", {"competency": 6}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"competency": ["There is no competency number 6."], "title": ["This field is required."]}


def test_the_services_rules_come_back_as_400s(organization, cco_user):
    """Blocked without a reason is refused by the service, under the field it names."""
    # when
    response = signed_in(cco_user).post(
        f"{BASE}/milestones/", {"competency": 2, "title": "Stuck", "status": "blocked"}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {"blocked_reason": ["Say what blocks the milestone, so someone can unblock it."]}


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_only_managers_create_milestones(organization, member_of, role):
    """Executives and leadership may not add milestones."""
    # when
    response = signed_in(member_of(role)).post(f"{BASE}/milestones/", {"competency": 1, "title": "Mine"}, format="json")

    # then
    assert response.status_code == 403
    assert not Milestone.objects.exists()


# changing milestones


def test_the_owner_updates_the_progress_of_their_milestone(organization, owner, milestone):
    """An owner who is an executive changes status, percent complete and notes."""
    # when
    response = signed_in(owner).patch(
        f"{BASE}/milestones/{milestone.pk}/",
        {"status": "in_progress", "percent_complete": 40, "notes": "Draft shared."},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in ("status", "percent_complete", "notes")} == {
        "status": "in_progress",
        "percent_complete": 40,
        "notes": "Draft shared.",
    }


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        ({"title": "Mine now"}, "title"),
        ({"due_date": "2099-01-01", "notes": "Later."}, "due_date"),
        ({"areas": []}, "areas"),
        ({"owner": None}, "owner"),
    ],
)
def test_the_owner_may_not_change_what_the_cco_decides(organization, owner, milestone, body, refused):
    """400 with the service's message; nothing changes, not even the fields the owner may change."""
    # when
    response = signed_in(owner).patch(f"{BASE}/milestones/{milestone.pk}/", body, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": [f"You may not change: {refused}. Ask the CCO."]}
    milestone.refresh_from_db()
    assert (milestone.title, milestone.notes, milestone.owner) == ("Agree the metrics", "", owner)


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.LEADERSHIP])
def test_a_member_who_does_not_own_the_milestone_may_not_change_it(organization, member_of, milestone, role):
    """Anyone but its owner, the CCO and admins gets 403."""
    # when
    response = signed_in(member_of(role)).patch(
        f"{BASE}/milestones/{milestone.pk}/", {"percent_complete": 90}, format="json"
    )

    # then
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.percent_complete == 0


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_managers_change_everything(organization, member_of, milestone, role):
    """The CCO and admins change the title, owner, dates and areas."""
    # given
    successor = member_of(Role.LEADERSHIP)
    area = OperationalAreaFactory(organization=organization, name="Finance")
    body = {"title": "Agree the asset metrics", "owner": successor.pk, "due_date": "2030-06-30", "areas": [area.pk]}

    # when
    response = signed_in(member_of(role)).patch(f"{BASE}/milestones/{milestone.pk}/", body, format="json")

    # then
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in body} == body


def test_a_dependency_loop_is_refused_with_the_chain(organization, cco_user):
    """A → B exists; making B depend on A answers 400 naming the loop, and nothing changes."""
    # given
    a = MilestoneFactory(organization=organization, title="A")
    b = MilestoneFactory(organization=organization, title="B")
    a.dependencies.add(b)

    # when
    response = signed_in(cco_user).patch(f"{BASE}/milestones/{b.pk}/", {"dependencies": [a.pk]}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"dependencies": ["That would make a loop: B → A → B. Remove one of these dependencies."]}
    assert not b.dependencies.exists()


def test_done_over_an_open_dependency_needs_the_ccos_reason(organization, cco_user, owner, milestone):
    """The owner is refused; the CCO is refused without a reason and accepted with one."""
    # given
    first = MilestoneFactory(organization=organization, title="Inventory the sources")
    milestone.dependencies.add(first)
    url = f"{BASE}/milestones/{milestone.pk}/"

    # when
    by_owner = signed_in(owner).patch(url, {"status": "done"}, format="json")
    without_reason = signed_in(cco_user).patch(url, {"status": "done"}, format="json")
    with_reason = signed_in(cco_user).patch(
        url, {"status": "done", "override_reason": "Agreed at the customer room."}, format="json"
    )

    # then
    assert (by_owner.status_code, without_reason.status_code, with_reason.status_code) == (400, 400, 200)
    assert by_owner.json()["status"][0].endswith("or ask the CCO to override.")
    assert without_reason.json()["status"][0].endswith("or give a reason to override.")
    assert (with_reason.json()["status"], with_reason.json()["percent_complete"]) == ("done", 100)


@pytest.mark.parametrize("field", ["owner", "areas", "dependencies"])
def test_ids_of_another_organization_are_refused_on_change(organization, cco_user, milestone, foreign, field):
    """Another organization's member, area or milestone: 400 on that field, and the milestone stays."""
    # given
    value = {
        "owner": foreign["member"].pk,
        "areas": [foreign["area"].pk],
        "dependencies": [foreign["milestone"].pk],
    }[field]

    # when
    response = signed_in(cco_user).patch(
        f"{BASE}/milestones/{milestone.pk}/", {"title": "Renamed", field: value}, format="json"
    )

    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    milestone.refresh_from_db()
    assert milestone.title == "Agree the metrics"


def test_put_is_not_offered(organization, cco_user, milestone):
    """Milestones change field by field, with PATCH."""
    # when
    response = signed_in(cco_user).put(f"{BASE}/milestones/{milestone.pk}/", {"title": "Whole"}, format="json")

    # then
    assert response.status_code == 405


# deleting milestones and their history


def test_only_managers_delete_milestones(organization, cco_user, owner, milestone):
    """Not even the owner deletes a milestone; the CCO does."""
    # when
    by_owner = signed_in(owner).delete(f"{BASE}/milestones/{milestone.pk}/")
    by_cco = signed_in(cco_user).delete(f"{BASE}/milestones/{milestone.pk}/")

    # then
    assert (by_owner.status_code, by_cco.status_code) == (403, 204)
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_any_member_reads_a_milestones_history(organization, cco_user, owner, leadership_user, milestone):
    """Newest first: who changed which field from what to what, as people read it."""
    # given
    signed_in(owner).patch(f"{BASE}/milestones/{milestone.pk}/", {"status": "in_progress"}, format="json")

    # when
    response = signed_in(leadership_user).get(f"{BASE}/milestones/{milestone.pk}/history/")

    # then
    assert response.status_code == 200
    latest, created = response.json()
    assert (latest["who"], latest["what"], latest["changes"]) == (
        "Olive Owner",
        "changed",
        [{"field": "status", "before": "Planned", "after": "In progress"}],
    )
    assert (created["who"], created["what"], created["changes"]) == ("The portal", "created", [])


# the starter roadmap


def test_the_cco_applies_the_starter_roadmap_once(organization, cco_user):
    """The first time, every starter milestone is created and returned; the second time, none."""
    # given
    client = signed_in(cco_user)

    # when
    first = client.post(f"{BASE}/starter/", {"start": "2025-01-06"}, format="json")
    second = client.post(f"{BASE}/starter/", {}, format="json")

    # then
    assert first.status_code == 201
    created = first.json()
    assert len(created) == len(STARTER_MILESTONES)
    assert sorted(m["title"] for m in created) == sorted(item.title for item in STARTER_MILESTONES)
    assert min(m["start_date"] for m in created) == "2025-01-06"
    assert (second.status_code, second.json()) == (200, [])
    assert Milestone.objects.for_organization(organization).count() == len(STARTER_MILESTONES)


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_only_managers_apply_the_starter_roadmap(organization, member_of, role):
    """Executives and leadership may not."""
    # when
    response = signed_in(member_of(role)).post(f"{BASE}/starter/", {}, format="json")

    # then
    assert response.status_code == 403
    assert not Milestone.objects.exists()


# schema


def test_the_schema_is_valid_and_describes_the_roadmap_endpoints(client):
    """The whole schema generates without warnings and validates; the roadmap paths are in it."""
    # when
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO(), stderr=StringIO())
    schema = client.get("/api/schema/", {"format": "json"}).json()

    # then
    prefix = "/api/v1/orgs/{org_slug}/roadmap"
    assert {
        f"{prefix}/competencies/",
        f"{prefix}/maturity/",
        f"{prefix}/areas/",
        f"{prefix}/areas/{{area_id}}/",
        f"{prefix}/milestones/",
        f"{prefix}/milestones/{{milestone_id}}/",
        f"{prefix}/milestones/{{milestone_id}}/history/",
        f"{prefix}/starter/",
    } <= set(schema["paths"])
    list_parameters = {p["name"] for p in schema["paths"][f"{prefix}/milestones/"]["get"]["parameters"]}
    assert {"competency", "owner", "area", "status", "overdue", "due_from", "due_to"} <= list_parameters


# 2027-01-15 in Arabic-Indic digits, which Django's and DRF's own date fields read as a day.
ARABIC_INDIC_DAY = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in "2027-01-15")


@pytest.mark.parametrize("due_date", [ARABIC_INDIC_DAY, "9999-12-31"])
def test_a_due_date_in_other_digits_or_an_absurd_year_is_refused_and_nothing_changes(cco_user, milestone, due_date):
    due_before = milestone.due_date

    response = signed_in(cco_user).patch(f"{BASE}/milestones/{milestone.pk}/", {"due_date": due_date}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["due_date"]
    milestone.refresh_from_db()
    assert milestone.due_date == due_before
