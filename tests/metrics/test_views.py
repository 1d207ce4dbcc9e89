"""The customer pages through Django's test client: the dashboard's figures against the selectors, the
drill-down lists and their CSV, the empty and pending states, the imports and the activity window.

Who may open which page at all is the access matrix's business (tests/test_access_matrix.py); these
tests follow one person through a page and check what it shows and what it changes.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cco_portal.organizations.roles import Role
from metrics import selectors
from metrics.computation import compute_customer_movements
from metrics.models import ActivityImport, Customer, Dataset, ImportStatus, LostReason
from tests.metrics.activity import HISTORY, load, units
from tests.metrics.factories import ActivityImportFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = 2024 * 12, 2024 * 12 + 1, 2024 * 12 + 2, 2024 * 12 + 3


def url(organization, name: str, **kwargs) -> str:
    return reverse(f"metrics:{name}", kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def computed(organization):
    """Ann, Bob, Cy and Dee's four months (tests/metrics/activity.py), with their movements computed."""
    load(organization, HISTORY)
    compute_customer_movements(organization=organization)
    return organization


@pytest.fixture
def reader(client, member_of):
    """A signed-in member of `organization` with `role`."""

    def sign_in(role=Role.LEADERSHIP):
        client.force_login(member_of(role))
        return client

    return sign_in


def figures_of(response) -> dict:
    return {f.figure: (f.count, f.value) for f in response.context["figures"]}


# The dashboard


def test_the_dashboard_shows_the_last_month_by_default(computed, reader):
    """Without a month in the address the dashboard shows the bridge of the last month with data."""
    response = reader().get(url(computed, "dashboard"))
    assert response.context["bridge"].month == APR
    assert "April 2024" in response.content.decode()


def test_the_bridge_figures_are_the_selectors_figures(computed, reader):
    """Every figure of the bridge, in customers and in value, is the one the selectors report."""
    response = reader().get(url(computed, "dashboard"), {"month": "2024-03"})
    march = selectors.bridge(computed, MAR)
    assert figures_of(response) == {
        "start": (march.start_count, march.start_value),
        "new": (march.row.new_count, march.row.new_value),
        "reactivated": (march.row.reactivated_count, march.row.reactivated_value),
        "lost": (march.row.lost_count, march.row.lost_value),
        "increased": (march.row.increased_count, march.row.increased_value),
        "decreased": (march.row.decreased_count, march.row.decreased_value),
        "stable": (march.row.stable_count, 0),
        "active": (march.end_count, march.end_value),
    }
    # March: Ann stays at 150, Bob is back with 70, Dee is new with 20.50.
    assert figures_of(response)["active"] == (3, units("240.5"))
    assert "240.50" in response.content.decode()


def test_each_figure_links_to_its_customers(computed, reader):
    """The figures of the bridge open the drill-down of the same month, segment and figure."""
    content = reader().get(url(computed, "dashboard"), {"month": "2024-03"}).content.decode()
    for figure in ("start", "new", "reactivated", "lost", "increased", "decreased", "stable", "active"):
        assert f"{url(computed, 'customers')}?month=2024-03&amp;segment=&amp;figure={figure}" in content


def test_a_segment_shows_its_own_bridge(computed, reader):
    """Choosing a segment shows the bridge of that segment's customers only."""
    response = reader().get(url(computed, "dashboard"), {"month": "2024-04", "segment": "North"})
    north = selectors.bridge(computed, APR, segment="North")
    assert figures_of(response)["lost"] == (north.row.lost_count, north.row.lost_value) == (1, -units("20.5"))
    assert figures_of(response)["active"] == (1, units(90))


def test_the_trend_covers_the_months_up_to_the_chosen_one(computed, reader):
    """The trend and its table run from the first month (at most 24 back) to the month shown."""
    response = reader().get(url(computed, "dashboard"), {"month": "2024-03"})
    assert [row.month for row in response.context["trend"]] == [JAN, FEB, MAR]
    assert len(response.context["count_trend"].labels) == 3
    content = response.content.decode()
    assert "<details" in content
    assert "January 2024" in content


def test_lost_customers_by_reason(computed, reader):
    """Lost customers of the month are counted by their recorded reason, "unknown" where there is none."""
    dee = computed.customers.get(external_id="dee")
    LostReason.objects.create(organization=computed, customer=dee, month=APR, reason="Moved away")
    response = reader().get(url(computed, "dashboard"), {"month": "2024-04"})
    assert response.context["lost_reasons"] == selectors.lost_by_reason(computed, APR)
    content = response.content.decode()
    assert "Moved away" in content
    assert "Unknown (no reason recorded)" in content


def test_the_data_version_and_when_it_was_computed(computed, reader):
    dataset = Dataset.objects.get(organization=computed)
    content = reader().get(url(computed, "dashboard")).content.decode()
    assert f"data version {dataset.computed_version}" in content
    assert dataset.computed_at.strftime("%Y") in content


def test_a_pending_computation_is_announced(computed, reader):
    """When the data changed and the movements are not recomputed yet, the dashboard says so."""
    Dataset.objects.filter(organization=computed).update(version=99)
    content = reader().get(url(computed, "dashboard")).content.decode()
    assert "The figures are being recomputed" in content


def test_an_unknown_month_falls_back_to_the_last(computed, reader):
    """A bookmarked month outside the data shows the last month and says why."""
    response = reader().get(url(computed, "dashboard"), {"month": "2019-01"})
    assert response.context["bridge"].month == APR
    assert "not in the data" in response.content.decode()


def test_empty_state_for_the_cco_says_what_to_do(organization, reader):
    """Before any import the CCO is sent to the import page."""
    content = reader(Role.CCO).get(url(organization, "dashboard")).content.decode()
    assert "No customer data yet." in content
    assert "Import customer activity" in content
    assert url(organization, "imports") in content


def test_empty_state_for_readers_says_who_imports(organization, reader):
    content = reader(Role.EXECUTIVE).get(url(organization, "dashboard")).content.decode()
    assert "The CCO has not imported data yet" in content
    assert url(organization, "imports") not in content


def test_another_organizations_data_is_not_shown(computed, other_organization, client, member_of):
    """A member of another organization with no data of its own sees its empty state, not ours."""
    client.force_login(member_of(Role.CCO, org=other_organization))
    response = client.get(url(other_organization, "dashboard"))
    assert "bridge" not in response.context
    assert "No customer data yet." in response.content.decode()


# The drill-down


@pytest.mark.parametrize(
    ("month", "figure", "customers"),
    [
        ("2024-01", "new", ["ann", "bob"]),
        ("2024-03", "reactivated", ["bob"]),
        ("2024-03", "stable", ["ann"]),
        ("2024-03", "start", ["ann"]),
        ("2024-04", "lost", ["bob", "dee"]),
        ("2024-04", "decreased", ["ann"]),
    ],
)
def test_the_drill_down_lists_the_customers_behind_a_figure(computed, reader, month, figure, customers):
    response = reader().get(url(computed, "customers"), {"month": month, "figure": figure})
    assert [line.customer for line in response.context["page"].object_list] == customers


def test_the_drill_down_shows_values_before_and_now(computed, reader):
    """Ann decreased in April from 150 to 90: the list shows both and the change."""
    response = reader().get(url(computed, "customers"), {"month": "2024-04", "figure": "decreased"})
    content = response.content.decode()
    assert "150.00" in content
    assert "90.00" in content
    assert "-60.00" in content


def test_the_drill_down_of_a_segment(computed, reader):
    response = reader().get(url(computed, "customers"), {"month": "2024-04", "figure": "lost", "segment": "South"})
    assert [line.customer for line in response.context["page"].object_list] == ["bob"]


def test_the_drill_down_shows_a_hundred_customers_a_page(organization, reader):
    """150 new customers in a month: 100 on the first page, 50 on the second."""
    load(organization, [(f"c{n:03d}", "2024-01", "10", "") for n in range(150)])
    compute_customer_movements(organization=organization)
    client = reader()
    first = client.get(url(organization, "customers"), {"month": "2024-01", "figure": "new"})
    second = client.get(url(organization, "customers"), {"month": "2024-01", "figure": "new", "page": 2})
    assert len(first.context["page"].object_list) == 100
    assert next(line.customer for line in second.context["page"].object_list) == "c100"
    assert len(second.context["page"].object_list) == 50


def test_the_drill_down_csv(computed, reader):
    """The CSV holds the listed customers with their values as amounts."""
    response = reader().get(url(computed, "customers_csv"), {"month": "2024-04", "figure": "lost"})
    assert response["Content-Disposition"] == 'attachment; filename="customers-acme-2024-04-lost.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["customer_id", "segment", "value_before", "value_now", "change", "reason"],
        ["bob", "South", "70.00", "0.00", "-70.00", "unknown"],
        ["dee", "North", "20.50", "0.00", "-20.50", "unknown"],
    ]


def test_the_csv_neutralizes_formulas_in_customer_keys(organization, reader):
    """A customer key typed as a formula is written as text, so a spreadsheet does not run it."""
    load(organization, [("=HYPERLINK(1)", "2024-01", "10", "")])
    compute_customer_movements(organization=organization)
    response = reader().get(url(organization, "customers_csv"), {"month": "2024-01", "figure": "new"})
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_the_drill_down_without_data(organization, reader):
    response = reader(Role.EXECUTIVE).get(url(organization, "customers"))
    assert "The CCO has not imported data yet" in response.content.decode()


# Imports


def test_the_import_page_shows_the_progress(organization, reader):
    """A running import shows how many rows are read, as a progress bar with its value."""
    running = ActivityImportFactory(
        organization=organization, status=ImportStatus.RUNNING, rows_total=400, rows_done=100
    )
    content = reader(Role.CCO).get(url(organization, "import", import_id=running.pk)).content.decode()
    assert 'aria-valuenow="25"' in content
    assert "100 of 400 rows read" in content
    assert "js/metrics-import.js" in content
    assert ">Refresh</a>" in content


def test_the_status_the_progress_bar_polls(organization, reader):
    running = ActivityImportFactory(
        organization=organization, status=ImportStatus.RUNNING, rows_total=400, rows_done=100
    )
    response = reader(Role.CCO).get(url(organization, "import_status", import_id=running.pk))
    assert response.json() == {
        "status": "running",
        "status_label": "Running",
        "rows_done": 100,
        "rows_total": 400,
        "percent": 25,
        "error_count": 0,
        "finished": False,
        "waiting_reason": "",
    }


def test_a_rejected_import_lists_its_problems(organization, reader):
    """A rejected file shows every problem with its line and column, and how to fix them."""
    rejected = ActivityImportFactory(
        organization=organization,
        status=ImportStatus.FAILED,
        errors=[{"line": 7, "column": "revenue", "message": "'12,5' is not a number"}],
        error_count=1,
    )
    content = reader(Role.CCO).get(url(organization, "import", import_id=rejected.pk)).content.decode()
    assert "1 problem in the file" in content
    assert "<code>revenue</code>" in content
    assert "&#x27;12,5&#x27; is not a number" in content
    assert "Nothing from this file was imported" in content
    assert "js/metrics-import.js" not in content


def test_another_organizations_import_is_not_found(organization, other_organization, reader):
    foreign = ActivityImportFactory(organization=other_organization)
    response = reader(Role.CCO).get(url(organization, "import", import_id=foreign.pk))
    assert response.status_code == 404


def test_the_history_lists_the_organizations_imports(organization, other_organization, reader):
    ActivityImportFactory(organization=organization, file_name="march.csv", months=["2024-01", "2024-03"])
    ActivityImportFactory(organization=other_organization, file_name="theirs.csv")
    content = reader(Role.CCO).get(url(organization, "imports")).content.decode()
    assert "march.csv" in content
    assert "2024-01 to 2024-03" in content
    assert "theirs.csv" not in content


def test_uploading_a_file_imports_it_and_opens_its_page(organization, reader, django_capture_on_commit_callbacks):
    """The CCO uploads a file: it is imported (eagerly here) and the import's page shows it done."""
    data = b"customer_id,period,revenue,segment\nann,2024-01,100,North\nbob,2024-02,50,South\n"
    client = reader(Role.CCO)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(organization, "imports"),
            {"file": SimpleUploadedFile("activity.csv", data, "text/csv"), "kind": "activity", "mode": "replace"},
        )
    activity_import = ActivityImport.objects.get(organization=organization)
    assert response.status_code == 302
    assert response["Location"] == url(organization, "import", import_id=activity_import.pk)
    page = client.get(response["Location"]).content.decode()
    assert activity_import.file_name in page
    activity_import.refresh_from_db()
    assert activity_import.status == ImportStatus.SUCCEEDED
    assert "Done: 2 rows imported" in page


def test_an_upload_without_a_file_shows_the_form_again(organization, reader):
    response = reader(Role.CCO).post(url(organization, "imports"), {"kind": "activity", "mode": "replace"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ActivityImport.objects.exists()


# The activity window


def test_changing_the_window_recomputes_the_movements(computed, reader, django_capture_on_commit_callbacks):
    """With a 12-month window Bob is not lost in February: the figures are recomputed with it."""
    with django_capture_on_commit_callbacks(execute=True):
        response = reader(Role.CCO).post(url(computed, "settings"), {"activity_window": 12})
    assert response.status_code == 302
    computed.refresh_from_db()
    assert computed.activity_window == 12
    assert Dataset.objects.get(organization=computed).computed_window == 12
    assert selectors.bridge(computed, FEB).row.lost_count == 0


@pytest.mark.parametrize("months", [0, 37])
def test_the_window_stays_within_one_to_thirty_six_months(computed, reader, months):
    response = reader(Role.CCO).post(url(computed, "settings"), {"activity_window": months})
    assert response.status_code == 200
    assert response.context["form"].errors["activity_window"]
    computed.refresh_from_db()
    assert computed.activity_window == 1


def test_the_organization_settings_link_to_the_window(organization, reader):
    content = reader(Role.ADMIN).get(reverse("organizations:settings", args=[organization.slug])).content.decode()
    assert url(organization, "settings") in content


def test_the_navigation_has_customers(organization, reader):
    content = reader().get(reverse("organizations:home", args=[organization.slug])).content.decode()
    assert f'href="{url(organization, "dashboard")}">Customers</a>' in content


def test_the_lists_of_active_customers_show_true_values_in_page_and_csv(computed, reader):
    """Active at the end of March: Ann 150 now and 150 before, Bob 70 now and nothing before (back after a gap),
    Dee 20.50 new; active at the start of April lists the same customers with April beside March. Page and CSV
    agree. (These lists once showed a customer's value now as its value before, with a change of 0.00.)"""
    client = reader()

    end_of_march = client.get(url(computed, "customers_csv"), {"month": "2024-03", "figure": "active"})
    start_of_april = client.get(url(computed, "customers_csv"), {"month": "2024-04", "figure": "start"})
    page = client.get(url(computed, "customers"), {"month": "2024-04", "figure": "start"})

    assert [row[:5] for row in csv.reader(io.StringIO(end_of_march.content.decode("utf-8-sig")))][1:] == [
        ["ann", "North", "150.00", "150.00", "0.00"],
        ["bob", "South", "0.00", "70.00", "70.00"],
        ["dee", "North", "0.00", "20.50", "20.50"],
    ]
    assert [row[:5] for row in csv.reader(io.StringIO(start_of_april.content.decode("utf-8-sig")))][1:] == [
        ["ann", "North", "150.00", "90.00", "-60.00"],
        ["bob", "South", "70.00", "0.00", "-70.00"],
        ["dee", "North", "20.50", "0.00", "-20.50"],
    ]
    assert [(line.customer, line.change) for line in page.context["page"].object_list] == [
        ("ann", units(-60)),
        ("bob", units(-70)),
        ("dee", units("-20.5")),
    ]


def test_with_no_figure_chosen_the_selector_names_the_list_shown(computed, reader):
    """Without a figure the list is of the customers active at the end, and the selector says so."""
    content = reader().get(url(computed, "customers"), {"month": "2024-03"}).content.decode()

    assert '<option value="active" selected>Active at the end</option>' in content
    assert '<option value="start" selected>' not in content


def test_the_lost_list_says_why_each_customer_left(computed, reader):
    """Bob left in April for the price, Dee without a recorded reason: the list, its CSV and the API give the
    reason beside each, "unknown" where none was recorded (the API: null), as the counts by reason do."""
    bob = Customer.objects.get(organization=computed, external_id="bob")
    LostReason.objects.create(organization=computed, customer=bob, month=2024 * 12 + 3, reason="Price")
    client = reader()

    page = client.get(url(computed, "customers"), {"month": "2024-04", "figure": "lost"}).content.decode()
    exported = client.get(url(computed, "customers_csv"), {"month": "2024-04", "figure": "lost"})
    api = client.get(f"/api/v1/orgs/{computed.slug}/movements/customers/", {"month": "2024-04", "figure": "lost"})

    assert '<th scope="col">Why</th>' in page
    assert "Price" in page
    assert "unknown" in page
    assert [row[-1] for row in csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))] == [
        "reason",
        "Price",
        "unknown",
    ]
    assert [line["reason"] for line in api.json()["results"]] == ["Price", None]


@pytest.mark.parametrize(
    ("window", "said"),
    [
        (1, "Value is a customer&#x27;s revenue in the month (activity window: 1 month)."),
        (3, "revenue over the 3 months up to and including the month (activity window: 3 months)"),
    ],
)
def test_every_page_that_shows_value_says_what_it_means(organization, reader, window, said):
    """At a window of 3, value is three months' revenue: the dashboard and the customer lists say so, as they
    say that a window of 1 means the month's revenue."""
    load(organization, HISTORY, window=window)
    compute_customer_movements(organization=organization)
    client = reader()

    dashboard = client.get(url(organization, "dashboard"), {"month": "2024-03"}).content.decode()
    customers = client.get(url(organization, "customers"), {"month": "2024-03"}).content.decode()

    assert said in dashboard
    assert said in customers


def test_one_row_is_one_row(organization, reader, django_capture_on_commit_callbacks):
    """A file of one row is "1 row imported", not "1 rows imported"."""
    client = reader(Role.CCO)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(organization, "imports"),
            {
                "file": SimpleUploadedFile("one.csv", b"customer_id,period,revenue\nann,2024-01,100\n", "text/csv"),
                "kind": "activity",
                "mode": "replace",
            },
        )

    page = client.get(response["Location"]).content.decode()

    assert "Done: 1 row imported" in page
