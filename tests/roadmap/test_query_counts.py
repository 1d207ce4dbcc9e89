"""The roadmap pages make as many queries for 200 milestones as for 20: nothing is loaded per milestone, so
they stay fast with thousands. The data is bulk-created with owners, areas, dependencies and every status,
so that each page shows everything it can."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from roadmap.models import Competency, MaturityAssessment, Milestone, OperationalArea, Status

pytestmark = pytest.mark.django_db

STATUSES = [Status.PLANNED, Status.IN_PROGRESS, Status.BLOCKED, Status.DONE]
PAGES = [
    ("overview", {}, {}),
    ("board", {"number": 1}, {}),
    ("timeline", {}, {}),
    ("timeline", {}, {"status": Status.IN_PROGRESS}),
    ("milestones", {}, {}),
    ("milestones", {}, {"overdue": "on", "competency": "2"}),
    ("milestones_csv", {}, {}),
    ("mine", {}, {}),
]


def add_milestones(organization, count: int, *, owners, areas) -> list[Milestone]:
    """`count` more milestones across the competencies: owners, an area or two, every status, some overdue,
    and each depending on the one before it."""
    competencies = list(Competency.objects.all())
    today = timezone.localdate()
    start = Milestone.objects.for_organization(organization).count()
    milestones = Milestone.objects.bulk_create(
        Milestone(
            organization=organization,
            competency=competencies[i % len(competencies)],
            title=f"Milestone {i}",
            owner=owners[i % len(owners)],
            start_date=today + timedelta(days=i % 120 - 60),
            due_date=today + timedelta(days=i % 120 - 60 + 14 + i % 30),
            status=STATUSES[i % len(STATUSES)],
            blocked_reason="Waiting" if STATUSES[i % len(STATUSES)] == Status.BLOCKED else "",
            percent_complete=100 if STATUSES[i % len(STATUSES)] == Status.DONE else i % 90,
        )
        for i in range(start, start + count)
    )
    Milestone.areas.through.objects.bulk_create(
        Milestone.areas.through(milestone_id=milestone.pk, operationalarea_id=area.pk)
        for i, milestone in enumerate(milestones)
        for area in areas[i % len(areas) : i % len(areas) + 2]
    )
    Milestone.dependencies.through.objects.bulk_create(
        Milestone.dependencies.through(from_milestone_id=later.pk, to_milestone_id=earlier.pk)
        for earlier, later in pairwise(milestones)
    )
    return milestones


@pytest.fixture
def roadmap(organization, member_of):
    """An organization with a CCO who owns a share of the milestones, other owners, areas and stages."""
    cco = member_of(Role.CCO)
    owners = [cco, member_of(Role.EXECUTIVE), member_of(Role.LEADERSHIP)]
    areas = OperationalArea.objects.bulk_create(
        OperationalArea(organization=organization, name=name) for name in ["Sales", "Billing", "Service", "IT"]
    )
    for competency in Competency.objects.all():
        MaturityAssessment.objects.create(
            organization=organization, competency=competency, stage=2, note="Emerging.", assessed_by=cco
        )
    return {"cco": cco, "owners": owners, "areas": areas}


def count_queries(client, path: str, query: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, query)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("name", "kwargs", "query"), PAGES)
def test_queries_do_not_grow_with_the_milestones(client, organization, roadmap, name, kwargs, query):
    """Given 20 milestones and then 200, when the CCO opens a roadmap page, then it makes the same number of
    queries both times, and few."""
    client.force_login(roadmap["cco"])
    path = reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})

    add_milestones(organization, 20, owners=roadmap["owners"], areas=roadmap["areas"])
    with_20 = count_queries(client, path, query)
    add_milestones(organization, 180, owners=roadmap["owners"], areas=roadmap["areas"])
    with_200 = count_queries(client, path, query)

    assert with_200 == with_20, f"{name}: {with_20} queries for 20 milestones, {with_200} for 200"
    assert with_200 <= 15


def test_a_milestone_page_does_not_grow_with_the_roadmap(client, organization, roadmap):
    """Given a milestone in a roadmap of 20 milestones and then 200, when the CCO opens it with its form
    (owners, areas and every other milestone to depend on), then the queries are the same."""
    client.force_login(roadmap["cco"])
    milestone = add_milestones(organization, 20, owners=roadmap["owners"], areas=roadmap["areas"])[5]
    path = reverse("roadmap:milestone", kwargs={"org_slug": organization.slug, "milestone_id": milestone.pk})

    with_20 = count_queries(client, path, {})
    add_milestones(organization, 180, owners=roadmap["owners"], areas=roadmap["areas"])
    with_200 = count_queries(client, path, {})

    assert with_200 == with_20
