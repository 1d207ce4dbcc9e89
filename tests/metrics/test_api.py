"""The metrics API: imports, the movements month by month, the customers behind a figure, lost customers by
reason and the activity window; who may use them, exact amounts, validation of months, and the schema."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from cco_portal.organizations.roles import MANAGERS, Role
from metrics.computation import compute_customer_movements
from metrics.models import ActivityImport, Customer, ImportStatus, LostReason
from metrics.months import parse_month_label
from tests.metrics.activity import HISTORY, load

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/acme"
NON_MANAGERS = [Role.EXECUTIVE, Role.LEADERSHIP]


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def computed(organization):
    load(organization, HISTORY)
    compute_customer_movements(organization=organization)
    return organization


@pytest.fixture
def reader(member_of):
    return signed_in(member_of(Role.LEADERSHIP))


def figures(row: dict) -> dict:
    return {name: row[name] for name in ("new", "reactivated", "lost", "increased", "decreased", "stable")}


# movements


@pytest.mark.parametrize("role", list(Role))
def test_every_member_reads_the_movements_month_by_month(computed, member_of, role):
    """Every month from the first to the last with data, with active customers, their value, and each
    class's count and value change, worked out by hand for window 1."""
    # when
    response = signed_in(member_of(role)).get(f"{BASE}/movements/")

    # then
    assert response.status_code == 200
    table = response.json()
    assert [(row["month"], row["active"], row["value"]) for row in table] == [
        ("2024-01", 2, "150.00"),
        ("2024-02", 1, "150.00"),
        ("2024-03", 3, "240.50"),
        ("2024-04", 1, "90.00"),
    ]
    assert figures(table[3]) == {
        "new": {"count": 0, "value": "0.00"},
        "reactivated": {"count": 0, "value": "0.00"},
        "lost": {"count": 2, "value": "-90.50"},
        "increased": {"count": 0, "value": "0.00"},
        "decreased": {"count": 1, "value": "-60.00"},
        "stable": {"count": 0, "value": "0.00"},
    }
    assert table[2]["stable"] == {"count": 1, "value": "0.00"}


def test_amounts_are_exact_decimal_strings(organization, reader):
    """Cents stay cents and ten-thousandths stay ten-thousandths: no floats, no rounding."""
    # given
    load(organization, [("eve", "2024-01", "20.5", ""), ("eve", "2024-02", "20.4999", "")])
    compute_customer_movements(organization=organization)

    # when
    january, february = reader.get(f"{BASE}/movements/").json()

    # then
    assert (january["value"], january["new"]["value"]) == ("20.50", "20.50")
    assert (february["value"], february["decreased"]) == ("20.4999", {"count": 1, "value": "-0.0001"})


def test_from_and_to_narrow_the_months(computed, reader):
    response = reader.get(f"{BASE}/movements/", {"from": "2024-02", "to": "2024-03"})
    assert [row["month"] for row in response.json()] == ["2024-02", "2024-03"]


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"from": "2024-13"}, "from"),
        ({"to": "March"}, "to"),
        ({"from": "2024-1"}, "from"),
        ({"from": "2024-04", "to": "2024-01"}, "to"),
    ],
)
def test_a_bad_month_is_a_400_naming_the_parameter(computed, reader, params, bad):
    """A month that is not YYYY-MM, or a range that ends before it starts, says which parameter is wrong."""
    response = reader.get(f"{BASE}/movements/", params)
    assert response.status_code == 400
    assert list(response.json()) == [bad]


def test_a_segment_gives_its_own_bridge_over_the_same_months(computed, reader):
    """North is Ann and Dee: in March two active customers worth 170.50, Dee new."""
    # when
    table = reader.get(f"{BASE}/movements/", {"segment": "North"}).json()

    # then
    assert [row["month"] for row in table] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert (table[2]["active"], table[2]["value"], table[2]["new"]) == (2, "170.50", {"count": 1, "value": "20.50"})


def test_a_segment_no_customer_is_in_gives_an_empty_list(computed, reader):
    response = reader.get(f"{BASE}/movements/", {"segment": "Atlantis"})
    assert (response.status_code, response.json()) == (200, [])


def test_a_member_of_another_organization_gets_404(computed, other_organization, member_of):
    """Globex's admin learns nothing of Acme's figures."""
    response = signed_in(member_of(Role.ADMIN, org=other_organization)).get(f"{BASE}/movements/")
    assert response.status_code == 404


def test_no_data_yet_is_an_empty_table(organization, reader):
    assert reader.get(f"{BASE}/movements/").json() == []


# the customers behind a figure


@pytest.mark.parametrize(
    ("month", "figure", "customers"),
    [("2024-02", "lost", ["bob"]), ("2024-03", "stable", ["ann"]), ("2024-03", "active", ["ann", "bob", "dee"])],
)
def test_a_figure_drills_down_to_its_customers(computed, reader, month, figure, customers):
    response = reader.get(f"{BASE}/movements/customers/", {"month": month, "figure": figure})
    assert response.status_code == 200
    assert [line["customer"] for line in response.json()["results"]] == customers


def test_the_customers_behind_a_figure_carry_exact_amounts_and_a_segment(computed, reader):
    """South's April losses are Bob alone, with the 70.00 he was worth in March."""
    # when
    response = reader.get(f"{BASE}/movements/customers/", {"month": "2024-04", "figure": "lost", "segment": "South"})

    # then
    assert response.json()["count"] == 1
    assert response.json()["results"] == [
        {
            "customer": "bob",
            "segment": "South",
            "value": "0.00",
            "previous_value": "70.00",
            "change": "-70.00",
            "reason": None,
        }
    ]


def test_the_drill_down_is_paginated(organization, reader):
    """Pages of 50 customers, with a link to the next."""
    # given
    load(organization, [(f"c{n:03d}", "2024-01", "1", "") for n in range(60)])
    compute_customer_movements(organization=organization)

    # when
    first = reader.get(f"{BASE}/movements/customers/", {"month": "2024-01", "figure": "new"}).json()
    second = reader.get(first["next"]).json()

    # then
    assert (first["count"], len(first["results"]), len(second["results"])) == (60, 50, 10)


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"figure": "new"}, "month"),
        ({"month": "2024-03"}, "figure"),
        ({"month": "2024-03", "figure": "gone"}, "figure"),
    ],
)
def test_the_drill_down_needs_a_month_and_a_known_figure(computed, reader, params, bad):
    response = reader.get(f"{BASE}/movements/customers/", params)
    assert response.status_code == 400
    assert bad in response.json()


def test_a_month_without_data_has_no_customers_behind_it(computed, reader):
    response = reader.get(f"{BASE}/movements/customers/", {"month": "2025-01", "figure": "active"})
    assert (response.status_code, response.json()["results"]) == (200, [])


# lost customers by reason


def test_lost_customers_are_counted_by_reason(computed, reader):
    """April: Bob said why, Dee did not; North lost only Dee."""
    # given
    bob = Customer.objects.get(organization=computed, external_id="bob")
    LostReason.objects.create(organization=computed, customer=bob, month=parse_month_label("2024-04"), reason="price")

    # when
    everyone = reader.get(f"{BASE}/movements/reasons/", {"month": "2024-04"})
    north = reader.get(f"{BASE}/movements/reasons/", {"month": "2024-04", "segment": "North"})

    # then
    assert everyone.json() == [{"reason": "price", "customers": 1}, {"reason": "unknown", "customers": 1}]
    assert north.json() == [{"reason": "unknown", "customers": 1}]


def test_lost_by_reason_needs_a_month(computed, reader):
    response = reader.get(f"{BASE}/movements/reasons/", {"month": "April"})
    assert response.status_code == 400
    assert "month" in response.json()


# the activity window


@pytest.mark.parametrize("role", list(Role))
def test_every_member_reads_the_activity_window(computed, member_of, role):
    response = signed_in(member_of(role)).get(f"{BASE}/metrics-settings/")
    assert response.status_code == 200
    assert response.json() | {"computed_at": None} == {
        "activity_window": 1,
        "computed_window": 1,
        "is_current": True,
        "computed_at": None,
    }


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_the_cco_and_admins_change_the_window_and_the_movements_follow(
    computed, member_of, role, django_capture_on_commit_callbacks
):
    """A 2-month window keeps Bob active in February; the movements are recomputed once it is saved."""
    # given
    client = signed_in(member_of(role))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(f"{BASE}/metrics-settings/", {"activity_window": 2}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["activity_window"] == 2
    after = client.get(f"{BASE}/metrics-settings/").json()
    assert (after["computed_window"], after["is_current"]) == (2, True)
    february = client.get(f"{BASE}/movements/").json()[1]
    assert (february["active"], february["value"], february["lost"]["count"]) == (2, "300.00", 0)


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_other_members_may_not_change_the_window(computed, member_of, role):
    response = signed_in(member_of(role)).patch(f"{BASE}/metrics-settings/", {"activity_window": 2}, format="json")
    assert response.status_code == 403
    computed.refresh_from_db()
    assert computed.activity_window == 1


@pytest.mark.parametrize("window", [0, 37, "twelve"])
def test_a_window_outside_1_to_36_months_is_refused(computed, cco_user, window):
    response = signed_in(cco_user).patch(f"{BASE}/metrics-settings/", {"activity_window": window}, format="json")
    assert response.status_code == 400
    assert "activity_window" in response.json()


# schema


def test_the_schema_is_valid_and_describes_the_metrics_endpoints(client):
    """The whole schema generates without warnings and validates; the metrics paths are in it."""
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO(), stderr=StringIO())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    prefix = "/api/v1/orgs/{org_slug}"
    assert {
        f"{prefix}/imports/",
        f"{prefix}/imports/{{import_id}}/",
        f"{prefix}/movements/",
        f"{prefix}/movements/customers/",
        f"{prefix}/movements/reasons/",
        f"{prefix}/metrics-settings/",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"][f"{prefix}/movements/"]["get"]["parameters"]}
    assert {"from", "to", "segment"} <= parameters
    assert "multipart/form-data" in schema["paths"][f"{prefix}/imports/"]["post"]["requestBody"]["content"]


# imports

ACTIVITY_CSV = b"customer_id,period,revenue,segment\nann,2024-01,100,North\nbob,2024-01,50.25,South\n"


def upload(content: bytes = ACTIVITY_CSV, name: str = "activity.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_cco_uploads_a_file_and_polls_it_until_it_is_imported(
    organization, cco_user, django_capture_on_commit_callbacks
):
    """202 with the import and where to poll it; in-process the import runs once the upload is saved."""
    # given
    client = signed_in(cco_user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/imports/", {"file": upload()}, format="multipart")

    # then
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["url"].endswith(f"{BASE}/imports/{body['id']}/")
    polled = client.get(body["url"]).json()
    assert polled["status"] == ImportStatus.SUCCEEDED
    assert (polled["kind"], polled["mode"], polled["file_name"]) == ("activity", "replace", "activity.csv")
    assert (polled["months"], polled["error_count"], polled["errors"]) == (["2024-01"], 0, [])
    assert polled["created_by"] == cco_user.pk
    assert len(polled["sha256"]) == 64
    assert polled["duration_seconds"] is not None
    movements = client.get(f"{BASE}/movements/").json()
    assert [(row["month"], row["active"], row["value"]) for row in movements] == [("2024-01", 2, "150.25")]


def test_a_bad_file_is_rejected_with_the_line_column_and_reason_of_each_problem(
    organization, cco_user, django_capture_on_commit_callbacks
):
    # given
    client = signed_in(cco_user)
    bad = b"customer_id,period,revenue\nann,2024-01,100\nbob,2024-13,ten\n"

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/imports/", {"file": upload(bad)}, format="multipart")

    # then
    polled = client.get(response.json()["url"]).json()
    assert polled["status"] == ImportStatus.FAILED
    assert polled["error_count"] >= 2
    assert {(error["line"], error["column"]) for error in polled["errors"]} >= {(3, "period"), (3, "revenue")}
    assert all(error["message"] for error in polled["errors"])


def test_appending_the_same_file_twice_is_refused(organization, cco_user, django_capture_on_commit_callbacks):
    """Added twice, the same rows would count twice: the second append is a 400 with the reason."""
    # given
    client = signed_in(cco_user)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"{BASE}/imports/", {"file": upload(), "mode": "append"}, format="multipart")
    assert first.status_code == 202, first.content

    # when
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(f"{BASE}/imports/", {"file": upload(), "mode": "append"}, format="multipart")

    # then
    assert second.status_code == 400
    assert "adding it again would count its revenue twice" in second.json()["detail"][0]
    assert ActivityImport.objects.filter(organization=organization).count() == 1


def test_reasons_are_imported_and_counted_with_the_lost_customers(
    computed, cco_user, django_capture_on_commit_callbacks
):
    """A reasons file names why Bob left in April; Dee, without one, stays "unknown"."""
    # given
    client = signed_in(cco_user)
    reasons = upload(b"customer_id,period,reason\nbob,2024-04,price\n", "reasons.csv")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/imports/", {"file": reasons, "kind": "reasons"}, format="multipart")

    # then
    assert client.get(response.json()["url"]).json()["status"] == ImportStatus.SUCCEEDED
    assert client.get(f"{BASE}/movements/reasons/", {"month": "2024-04"}).json() == [
        {"reason": "price", "customers": 1},
        {"reason": "unknown", "customers": 1},
    ]


def test_the_import_list_shows_the_newest_first(organization, cco_user, django_capture_on_commit_callbacks):
    client = signed_in(cco_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BASE}/imports/", {"file": upload(name="january.csv")}, format="multipart")
        client.post(
            f"{BASE}/imports/", {"file": upload(b"customer_id,period,revenue\n", "empty.csv")}, format="multipart"
        )
    names = [row["file_name"] for row in client.get(f"{BASE}/imports/").json()["results"]]
    assert names == ["empty.csv", "january.csv"]


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_other_members_neither_upload_nor_see_imports(organization, member_of, role):
    client = signed_in(member_of(role))
    assert client.post(f"{BASE}/imports/", {"file": upload()}, format="multipart").status_code == 403
    assert client.get(f"{BASE}/imports/").status_code == 403


def test_an_upload_without_a_file_is_a_400(organization, cco_user):
    response = signed_in(cco_user).post(f"{BASE}/imports/", {"kind": "activity"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_another_organizations_import_is_404(organization, other_organization, member_of, cco_user):
    """An import id of Globex through Acme's address is not found."""
    globex = signed_in(member_of(Role.CCO, org=other_organization))
    posted = globex.post(f"/api/v1/orgs/{other_organization.slug}/imports/", {"file": upload()}, format="multipart")
    response = signed_in(cco_user).get(f"{BASE}/imports/{posted.json()['id']}/")
    assert response.status_code == 404
