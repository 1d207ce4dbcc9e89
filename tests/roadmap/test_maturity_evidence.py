"""Maturity from evidence: beside the CCO's judgement of a competency's stage, what the portal's record shows and
the stage it suggests, with what is missing for the next one."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from metrics.charter import services as charter
from metrics.models import Customer, LostReason
from metrics.sources.models import DataSourcePull, PullStatus
from roadmap import selectors
from roadmap.models import Competency
from roadmap.services import set_maturity_stage
from tests.metrics.factories import DataSourceFactory
from tests.reports.conftest import LAST_MONTH, load_history

pytestmark = pytest.mark.django_db

DATA, CHARTER, SOURCE, REASONS = (
    "Customer data is in the portal",
    "The leaders agreed a customer-asset charter",
    "A data source brings the customer data on schedule",
    "Reasons are recorded for most of the value lost last month",
)


def evidence(organization, number: int = 1):
    return selectors.maturity_evidence(organization, Competency.objects.get(number=number))


def met(found) -> dict[str, bool]:
    return {item.title: item.met for item in found.items}


def agree_charter(organization, member_of):
    cco, leader = member_of(Role.CCO), member_of(Role.LEADERSHIP)
    version = charter.propose_charter(
        organization=organization,
        proposed_by=cco,
        customer_definition="Buyers",
        value_definition="Revenue",
        intent="Ours",
    )
    charter.sign_charter(
        organization=organization, version=version.version, user=leader, roles={Role.LEADERSHIP}, decision="agree"
    )
    charter.record_charter_agreed(organization=organization, version=version.version, recorded_by=cco)


def test_with_nothing_in_place_stage_one_and_the_data_is_missing(organization):
    found = evidence(organization)

    assert found.suggested_stage == 1
    assert met(found) == {DATA: False, CHARTER: False, SOURCE: False, REASONS: False}
    assert [item.title for item in found.missing_for_next] == [DATA]


def test_each_stage_needs_every_piece_of_its_own_and_the_ones_below(organization, member_of):
    """Data in: stage 2, and stage 3 waits for both the charter and a scheduled source. With both, and a reason for
    the larger of April's two losses (70 of 90.50), stage 4."""
    load_history(organization)
    assert evidence(organization).suggested_stage == 2
    agree_charter(organization, member_of)
    found = evidence(organization)
    assert (found.suggested_stage, [item.title for item in found.missing_for_next]) == (2, [SOURCE])

    source = DataSourceFactory(organization=organization, schedule="0 6 * * *")
    DataSourcePull.objects.create(organization=organization, source=source, status=PullStatus.SUCCEEDED)
    assert evidence(organization).suggested_stage == 3
    bob = Customer.objects.get(organization=organization, external_id="bob")
    LostReason.objects.create(organization=organization, customer=bob, month=LAST_MONTH, reason="Price")

    found = evidence(organization)
    assert found.suggested_stage == 4
    assert found.missing_for_next == []
    assert [line for item in found.items if item.title == REASONS for line in item.lines] == [
        "77% of the value lost has a reason."
    ]


def test_a_competency_the_record_holds_nothing_of_suggests_nothing(organization):
    assert evidence(organization, 2).suggested_stage is None


def test_the_board_shows_the_evidence_beside_the_ccos_judgement(client, organization, member_of):
    """The CCO recorded stage 3 where the evidence suggests 2: the page says both, and that the judgement stands."""
    load_history(organization)
    cco = member_of(Role.CCO)
    set_maturity_stage(
        organization=organization,
        competency=Competency.objects.get(number=1),
        stage=3,
        note="Charter drafted",
        assessed_by=cco,
    )
    client.force_login(member_of(Role.EXECUTIVE))

    html = client.get(reverse("roadmap:board", kwargs={"org_slug": organization.slug, "number": 1})).content.decode()

    assert "The evidence suggests stage 2." in html
    assert "The CCO recorded stage 3: the judgement stands" in html
    assert "Missing for stage 3:" in html


def test_competency_five_reads_the_customer_rooms_record(organization, member_of):
    """A report made: stage 2; then actions with owners and due dates: stage 3 (most done on time waits for
    enough of them to come due)."""
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import CustomerRoomAction
    from tests.reports.snapshots import done_report, load_customer_data

    assert evidence(organization, 5).suggested_stage == 1
    load_customer_data(organization, first="2024-01", months=3, customers=5)
    done_report(organization, "2024-03")
    assert evidence(organization, 5).suggested_stage == 2
    CustomerRoomAction.objects.create(
        organization=organization,
        month=2024 * 12 + 2,
        title="Call them",
        owner=member_of(Role.EXECUTIVE),
        due_date=timezone.localdate() + timedelta(days=7),
    )

    found = evidence(organization, 5)
    assert found.suggested_stage == 3
    assert [item.title for item in found.missing_for_next] == ["Most actions are done by their due date"]


def test_the_competencies_api_gives_the_suggested_stage_and_its_evidence(api_client, organization, member_of):
    load_history(organization)
    api_client.force_authenticate(member_of(Role.LEADERSHIP))

    answer = api_client.get(reverse("api-competency-list", kwargs={"org_slug": organization.slug})).data

    first = answer[0]
    assert (first["number"], first["suggested_stage"]) == (1, 2)
    assert [(item["title"], item["met"], item["stage"]) for item in first["evidence"]][:2] == [
        (DATA, True, 2),
        (CHARTER, False, 3),
    ]
    assert answer[1]["suggested_stage"] is None
