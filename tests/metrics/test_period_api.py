"""The bridge by quarter and by year in the API: the same figures as metrics.periods, exact decimal amounts, the
customers behind a figure, and what a bad period is told."""

import pytest
from rest_framework.test import APIClient

from cco_portal.organizations.roles import Role
from metrics import periods
from metrics.computation import compute_customer_movements
from tests.metrics.activity import load
from tests.metrics.test_period_views import PERIOD_HISTORY

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/acme"


@pytest.fixture
def reader(organization, member_of):
    load(organization, PERIOD_HISTORY)
    compute_customer_movements(organization=organization)
    client = APIClient()
    client.force_authenticate(member_of(Role.EXECUTIVE))
    return client


def test_quarters_as_rows_with_exact_amounts(reader, organization):
    response = reader.get(f"{BASE}/movements/periods/", {"length": "quarter"})

    assert response.status_code == 200
    rows = response.json()
    assert [row["period"] for row in rows] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    q2 = rows[1]
    assert (q2["first_month"], q2["last_month"], q2["to_date"]) == ("2024-04", "2024-06", False)
    assert q2["start"] == {"count": 3, "value": "540.50"}
    assert q2["lost"] == {"count": 2, "value": "-140.50"}
    assert q2["decreased"] == {"count": 1, "value": "-310.00"}
    assert q2["new"] == {"count": 1, "value": "40.00"}
    assert (q2["active"], q2["value"]) == (2, "130.00")
    assert rows[2]["to_date"] is True
    assert [row["active"] for row in rows] == [b.active_count for b in periods.period_bridges(organization, 3)[None]]


def test_years_of_one_segment(reader):
    response = reader.get(f"{BASE}/movements/periods/", {"length": "year", "segment": "South"})

    [year] = response.json()
    assert (year["period"], year["to_date"], year["active"], year["new"]["count"]) == ("2024", True, 2, 2)


def test_the_customers_behind_a_quarter(reader):
    response = reader.get(
        f"{BASE}/movements/periods/customers/", {"length": "quarter", "period": "2024-Q2", "figure": "lost"}
    )

    assert response.status_code == 200
    assert [(line["customer"], line["previous_value"], line["change"]) for line in response.json()["results"]] == [
        ("bob", "120.00", "-120.00"),
        ("dee", "20.50", "-20.50"),
    ]


def test_a_period_outside_the_data_has_no_customers(reader):
    response = reader.get(f"{BASE}/movements/periods/customers/", {"length": "year", "period": "2019", "figure": "new"})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"length": "quarter", "period": "2024-05", "figure": "new"}, "period"),
        ({"length": "year", "period": "2024-Q1", "figure": "new"}, "period"),
        ({"length": "week", "period": "2024", "figure": "new"}, "length"),
        ({"length": "year", "period": "2024", "figure": "gone"}, "figure"),
    ],
)
def test_a_bad_parameter_is_named(reader, params, field):
    response = reader.get(f"{BASE}/movements/periods/customers/", params)

    assert response.status_code == 400
    assert field in response.json()
