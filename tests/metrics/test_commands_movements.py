"""The `movements` and `org_settings` commands: the API's table on the command line, and the activity window."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from cco_portal.organizations.roles import Role
from metrics.computation import compute_customer_movements
from tests.metrics.activity import HISTORY, load

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(organization):
    load(organization, HISTORY)
    compute_customer_movements(organization=organization)
    return organization


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def api_table(organization, member_of, **params) -> list[dict]:
    client = APIClient()
    client.force_authenticate(member_of(Role.LEADERSHIP))
    response = client.get(f"/api/v1/orgs/{organization.slug}/movements/", params)
    assert response.status_code == 200, response.content
    return response.json()


def flattened(api_rows: list[dict]) -> list[dict]:
    """The API's rows in the CSV's columns."""
    rows = []
    for row in api_rows:
        flat = {"month": row["month"], "active": str(row["active"]), "value": row["value"]}
        for name in ("new", "reactivated", "lost", "increased", "decreased", "stable"):
            flat[f"{name}_count"], flat[f"{name}_value"] = str(row[name]["count"]), row[name]["value"]
        rows.append(flat)
    return rows


def test_csv_has_a_header_and_the_figures_of_the_api(computed, member_of):
    """Default CSV: a header row, then one row per month with the same figures the API gives."""
    # when
    output = run("movements", "acme")

    # then
    lines = output.splitlines()
    assert lines[0] == (
        "month,active,value,new_count,new_value,reactivated_count,reactivated_value,lost_count,lost_value,"
        "increased_count,increased_value,decreased_count,decreased_value,stable_count,stable_value"
    )
    assert lines[3] == "2024-03,3,240.50,1,20.50,1,70.00,0,0.00,0,0.00,0,0.00,1,0.00"
    assert list(csv.DictReader(io.StringIO(output))) == flattened(api_table(computed, member_of))


def test_json_is_the_api_table(computed, member_of):
    """--format json prints exactly what GET movements/ answers, amounts as exact decimal strings."""
    # when
    table = json.loads(run("movements", "acme", "--format", "json"))

    # then
    assert table == api_table(computed, member_of)
    assert table[3]["lost"] == {"count": 2, "value": "-90.50"}


def test_months_and_segment_narrow_the_table_as_in_the_api(computed, member_of):
    """--from, --to and --segment select the same rows as the API's from, to and segment."""
    # when
    table = json.loads(
        run("movements", "acme", "--from", "2024-02", "--to", "2024-03", "--segment", "North", "--format", "json")
    )

    # then
    assert [row["month"] for row in table] == ["2024-02", "2024-03"]
    assert table == api_table(computed, member_of, **{"from": "2024-02", "to": "2024-03", "segment": "North"})
    assert (table[1]["active"], table[1]["value"]) == (2, "170.50")


def test_a_segment_no_customer_is_in_prints_only_the_header(computed):
    assert run("movements", "acme", "--segment", "Atlantis").splitlines() == [run("movements", "acme").splitlines()[0]]


def test_an_unknown_organization_is_an_error(computed):
    with pytest.raises(CommandError, match="No organization with the slug 'nope'"):
        run("movements", "nope")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-13"], "--from: '2024-13' is not a month"),
        (["--to", "March"], "--to: 'March' is not a month"),
        (["--from", "2024-04", "--to", "2024-01"], "--to comes before --from"),
    ],
)
def test_a_bad_month_is_an_error(computed, args, message):
    """A month that is not YYYY-MM, or a range backwards, stops the command with a message."""
    with pytest.raises(CommandError, match=message):
        run("movements", "acme", *args)


# org_settings


def test_org_settings_changes_the_window_and_the_figures(computed, django_capture_on_commit_callbacks):
    """A 2-month window keeps Bob active in February: the old and new window are printed, and once
    the change is saved the movements are recomputed with it."""
    # given
    assert json.loads(run("movements", "acme", "--format", "json"))[1]["lost"]["count"] == 1

    # when
    with django_capture_on_commit_callbacks(execute=True):
        output = run("org_settings", "acme", "--activity-window", "2")

    # then
    assert "from 1 to 2 month(s)" in output
    computed.refresh_from_db()
    assert computed.activity_window == 2
    february = json.loads(run("movements", "acme", "--format", "json"))[1]
    assert (february["active"], february["value"], february["lost"]["count"]) == (2, "300.00", 0)


def test_org_settings_without_a_change_shows_the_window(computed):
    assert "activity window 1 month(s)" in run("org_settings", "acme")


@pytest.mark.parametrize(
    ("args", "message"), [(["nope"], "No organization"), (["acme", "--activity-window", "0"], "1 to 36")]
)
def test_org_settings_refuses_an_unknown_organization_or_window(computed, args, message):
    with pytest.raises(CommandError, match=message):
        run("org_settings", *args)
