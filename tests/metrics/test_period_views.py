"""The dashboard, the customer lists and their CSV by quarter and by year, through Django's test client: the
figures shown are metrics.periods' and the lists are the customers behind them."""

import csv
import io

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from metrics import periods
from metrics.computation import compute_customer_movements
from metrics.models import Customer, LostReason
from metrics.months import parse_month_label
from tests.metrics.activity import HISTORY, load, units

pytestmark = pytest.mark.django_db

# Ann, Bob, Cy and Dee's four months, then Ann again in July and Eve in May: Q1 2024 three new; Q2 Ann
# decreased (400 to 90), Bob and Dee lost, Eve new; Q3, open to July, Ann increased (90 to 200), Eve stable.
PERIOD_HISTORY = [*HISTORY, ("ann", "2024-07", "200", "North"), ("eve", "2024-05", "40", "South")]


def url(organization, name: str) -> str:
    return reverse(f"metrics:{name}", kwargs={"org_slug": organization.slug})


@pytest.fixture
def computed(organization):
    load(organization, PERIOD_HISTORY)
    compute_customer_movements(organization=organization)
    return organization


@pytest.fixture
def reader(client, member_of):
    def sign_in(role=Role.LEADERSHIP):
        client.force_login(member_of(role))
        return client

    return sign_in


def figures_of(response) -> dict:
    return {f.figure: (f.count, f.value) for f in response.context["figures"]}


def test_the_dashboard_by_quarter_shows_the_last_quarter_to_date(computed, reader):
    response = reader().get(url(computed, "dashboard"), {"by": "quarter"})

    page = response.content.decode()
    bridge = response.context["bridge"]
    assert (bridge.name, bridge.is_open) == ("Q3 2024", True)
    assert figures_of(response)["increased"] == (1, units(110))
    assert figures_of(response)["stable"] == (1, 0)
    assert [row.name for row in response.context["trend"]] == ["Q1 2024", "Q2 2024", "Q3 2024"]
    assert "Q3 2024 to date" in page
    assert "still open: its figures are to date, to July 2024" in page
    assert "by=quarter&amp;period=2024-Q3" in page


def test_the_dashboard_by_quarter_equals_the_period_bridge(computed, reader):
    response = reader().get(url(computed, "dashboard"), {"by": "quarter", "period": "2024-Q2", "segment": "South"})

    expected = periods.period_bridge(computed, 3, periods.parse_period_label("2024-Q2", 3), segment="South")
    figures = figures_of(response)
    assert figures["start"] == (expected.start_count, expected.start_value) == (1, units(120))
    assert figures["lost"] == (1, -units(120))
    assert figures["new"] == (1, units(40))
    assert figures["active"] == (1, units(40))
    assert [r["customers"] for r in response.context["lost_reasons"]] == [1]


def test_the_dashboard_by_year(computed, reader):
    response = reader().get(url(computed, "dashboard"), {"by": "year"})

    bridge = response.context["bridge"]
    assert (bridge.name, bridge.is_open) == ("2024", True)
    # The year to date: every revenue of January to July.
    assert figures_of(response)["new"] == (4, units(100 + 150 + 150 + 90 + 200 + 50 + 70 + 20.5 + 40))


def test_a_period_not_in_the_data_falls_back_to_the_last(computed, reader):
    response = reader().get(url(computed, "dashboard"), {"by": "quarter", "period": "2019-Q1", "month": "2024-01"})

    assert response.context["bridge"].name == "Q3 2024"
    assert "That quarter or segment is not in the data; showing Q3 2024 instead." in response.content.decode()


def test_the_customers_behind_a_quarter_and_their_csv(computed, reader):
    bob = Customer.objects.get(organization=computed, external_id="bob")
    LostReason.objects.create(organization=computed, customer=bob, month=parse_month_label("2024-06"), reason="moved")
    client = reader(Role.CCO)
    query = {"by": "quarter", "period": "2024-Q2", "figure": "lost"}

    page = client.get(url(computed, "customers"), query)
    exported = client.get(url(computed, "customers_csv"), query)

    assert [line.customer for line in page.context["page"].object_list] == ["bob", "dee"]
    assert "Back to the bridge of Q2 2024" in page.content.decode()
    # A reason written from the list is recorded in the quarter's last month.
    assert "month=2024-06" in page.content.decode()
    assert exported["Content-Disposition"] == 'attachment; filename="customers-acme-2024-Q2-lost.csv"'
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows == [
        ["customer_id", "segment", "value_before", "value_now", "change", "reason"],
        ["bob", "South", "120.00", "0.00", "-120.00", "moved"],
        ["dee", "North", "20.50", "0.00", "-20.50", "unknown"],
    ]


def test_the_monthly_view_is_unchanged_by_the_period_fields(computed, reader):
    response = reader().get(url(computed, "dashboard"), {"month": "2024-04", "period": "2024-Q1"})

    assert response.context["bridge"].month == parse_month_label("2024-04")
    assert response.context["form"].length == 1
