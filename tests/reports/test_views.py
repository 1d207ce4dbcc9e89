"""The report's pages: the dashboard of a month read from its stored snapshot, the newest report or what to
do without one, the month picker, the comparison with a year earlier, and the PDF and CSV exports."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cco_portal.organizations.roles import Role
from metrics.months import parse_month_label
from reports.models import CustomerRoomAction, Report, ReportStatus
from tests.reports.snapshots import done_report, load_customer_data

pytestmark = pytest.mark.django_db


def url(name: str, organization, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def two_years(organization):
    """Two years of customer activity (January 2023 to December 2024) and the done reports of November
    and December 2024."""
    load_customer_data(organization)
    return {month: done_report(organization, month) for month in ("2024-11", "2024-12")}


@pytest.fixture
def leader(client, member_of):
    user = member_of(Role.LEADERSHIP)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_dashboard(client, organization, two_years, member_of, role):
    """Leadership, executives, the cco and admins read the report of a month."""
    # given: a member of any role
    client.force_login(member_of(role))

    # when: they open December 2024
    response = client.get(url("dashboard", organization, month="2024-12"))

    # then: the report of that month, with the organization's name
    assert response.status_code == 200
    assert response.context["report"] == two_years["2024-12"]
    assert b"December 2024" in response.content
    assert b"Acme Outfitters" in response.content


def test_a_member_of_another_organization_gets_404(client, organization, other_organization, two_years, member_of):
    """A report is not visible from another organization, not even its PDF."""
    client.force_login(member_of(Role.ADMIN, org=other_organization))

    assert client.get(url("dashboard", organization, month="2024-12")).status_code == 404
    assert client.get(url("pdf", organization, month="2024-12")).status_code == 404


def test_the_latest_report_is_the_newest_done_month(client, organization, two_years, leader):
    """The report's entry point opens the newest month whose report is done; a later report still being
    computed or failed is not shown."""
    # given: January 2025 queued and February 2025 failed
    Report.objects.create(organization=organization, month=parse_month_label("2025-01"), data_version=1)
    Report.objects.create(
        organization=organization, month=parse_month_label("2025-02"), data_version=1, status=ReportStatus.FAILED
    )

    # when
    response = client.get(url("latest", organization))

    # then
    assert response.status_code == 302
    assert response["Location"] == url("dashboard", organization, month="2024-12")


def test_the_dashboard_shows_the_report_of_the_newest_data(client, organization, two_years, leader):
    """When a month was computed again from newer data, the dashboard shows the newer snapshot."""
    # given: December 2024 again, from data version 7, with another end count
    newer = two_years["2024-12"].figures | {"data_version": 7}
    Report.objects.create(
        organization=organization, month=parse_month_label("2024-12"), data_version=7, status="done", figures=newer
    )

    # when
    response = client.get(url("dashboard", organization, month="2024-12"))

    # then
    assert response.context["report"].data_version == 7
    assert b"customer data version 7" in response.content


def test_the_page_never_computes_a_report(client, organization, two_years, leader, monkeypatch):
    """The dashboard and its exports read the stored snapshot: gathering figures on view would fail here."""

    # given: gathering the figures breaks
    def no_gathering(*args, **kwargs):
        raise AssertionError("a report page gathered figures")

    for reader in ("bridge", "movement_table", "lost_by_reason", "segments"):
        monkeypatch.setattr(f"metrics.selectors.{reader}", no_gathering)
    monkeypatch.setattr("reports.figures.build_report_figures", no_gathering)

    # when / then: every reading page still answers
    for name in ("dashboard", "pdf", "csv"):
        assert client.get(url(name, organization, month="2024-12")).status_code == 200


def test_a_month_without_a_done_report_is_404(client, organization, two_years, leader):
    """A month that has no done report (here one still queued) is not found."""
    Report.objects.create(organization=organization, month=parse_month_label("2024-10"), data_version=1)

    assert client.get(url("dashboard", organization, month="2024-10")).status_code == 404
    assert client.get(url("dashboard", organization, month="2019-01")).status_code == 404


def test_the_month_picker_switches_month(client, organization, two_years, leader):
    """The picker lists the months with a report, the shown one selected; choosing November (a plain GET
    form, no script) leads to November's report."""
    # given: December's report
    page = client.get(url("dashboard", organization, month="2024-12")).content.decode()
    assert '<option value="2024-12" selected>December 2024</option>' in page
    assert '<option value="2024-11">November 2024</option>' in page

    # when: the reader picks November
    response = client.get(url("latest", organization), {"month": "2024-11"}, follow=True)

    # then
    assert response.redirect_chain == [(url("dashboard", organization, month="2024-11"), 302)]
    assert response.context["report"] == two_years["2024-11"]
    assert '<option value="2024-11" selected>November 2024</option>' in response.content.decode()


def test_the_picker_ignores_a_month_without_a_report(client, organization, two_years, leader):
    """A month that has no report, or is no month, sends the reader to the newest report instead."""
    for month in ("2019-01", "next"):
        response = client.get(url("latest", organization), {"month": month})
        assert response["Location"] == url("dashboard", organization, month="2024-12")


def test_the_bridge_is_compared_with_the_same_month_a_year_earlier(client, organization, two_years, leader):
    """Beside each figure of December 2024's bridge stands December 2023's, and the change in customers."""
    figures = two_years["2024-12"].figures

    response = client.get(url("dashboard", organization, month="2024-12"))

    lines = {line.figure: line for line in response.context["bridge_lines"]}
    year_ago = figures["year_ago"]
    assert year_ago is not None
    assert lines["end"].count == figures["bridge"]["end"]["count"]
    assert lines["end"].year_ago_count == year_ago["end"]["count"]
    assert lines["lost"].year_ago_count == year_ago["classes"]["lost"]["count"]
    assert lines["end"].count_change == figures["bridge"]["end"]["count"] - year_ago["end"]["count"]
    assert b"A year earlier" in response.content


def test_a_first_year_month_says_there_is_nothing_to_compare(client, organization, leader):
    """In the data's first year there is no same month a year earlier; the page says so."""
    load_customer_data(organization)
    done_report(organization, "2023-06")

    response = client.get(url("dashboard", organization, month="2023-06"))

    assert response.context["year_ago"] is None
    assert b"nothing to compare with yet" in response.content


def test_without_data_the_cco_is_asked_to_import(client, organization, member_of):
    """No customer data and no report: the cco is sent to import customer data."""
    client.force_login(member_of(Role.CCO))

    response = client.get(url("latest", organization))

    assert response.status_code == 200
    assert b"No report yet" in response.content
    assert reverse("metrics:imports", kwargs={"org_slug": organization.slug}).encode() in response.content


def test_with_data_but_no_report_the_cco_is_offered_to_compute_one(client, organization, member_of):
    """Customer data but no report: the cco gets a button to the schedule page, where reports are computed."""
    load_customer_data(organization, months=3)
    client.force_login(member_of(Role.CCO))

    response = client.get(url("latest", organization))

    assert b"Compute a report" in response.content
    assert url("schedule", organization).encode() in response.content


def test_without_a_report_leadership_is_told_to_ask_the_cco(client, organization, leader):
    """A leader cannot compute a report; the empty state says who can, and offers no button to do it."""
    load_customer_data(organization, months=3)

    response = client.get(url("latest", organization))

    assert b"Ask the CCO" in response.content
    assert url("schedule", organization).encode() not in response.content


def test_the_dashboard_lists_the_customer_room_actions(client, organization, two_years, leader, member_of):
    """The actions agreed in the month's customer room are listed with owner, due date and status."""
    owner = member_of(Role.EXECUTIVE, full_name="Olive Owner")
    CustomerRoomAction.objects.create(
        organization=organization,
        month=parse_month_label("2024-12"),
        title="Call every lost Trade customer",
        owner=owner,
        due_date=timezone.localdate() + timedelta(days=20),
    )

    response = client.get(url("dashboard", organization, month="2024-12"))

    assert b"Call every lost Trade customer" in response.content
    assert b"Olive Owner" in response.content


def read_zip(response) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name.split("/", 1)[1]: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
    }


def test_the_tables_download_as_csv_files(client, organization, two_years, leader):
    """The CSV download is a zip of one CSV per table, named after the organization and month, whose
    bridge and trend match the snapshot."""
    figures = two_years["2024-12"].figures

    response = client.get(url("csv", organization, month="2024-12"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="acme-customer-room-2024-12.zip"'
    tables = read_zip(response)
    assert set(tables) == {
        "bridge.csv",
        "trend.csv",
        "segments.csv",
        "lost-by-reason.csv",
        "roadmap.csv",
        "results.csv",
        "actions.csv",
        "accountability.csv",
        "overdue-by-owner.csv",
        "attendance.csv",
    }
    bridge = {row[0]: row for row in tables["bridge.csv"][1:]}
    assert bridge["end"][1:3] == [str(figures["bridge"]["end"]["count"]), figures["bridge"]["end"]["value"]]
    assert bridge["lost"][2] == figures["bridge"]["classes"]["lost"]["value"]
    assert [row[0] for row in tables["trend.csv"][1:]] == [row["month"] for row in figures["trend"]]
    assert len(tables["roadmap.csv"]) == 1 + len(figures["roadmap"])
    # The record as the snapshot holds it, not as it is now.
    assert tables["accountability.csv"][1][0] == figures["accountability"]["as_of"]
    assert tables["accountability.csv"][1][-1] == "True"


def test_the_csv_neutralizes_formulas_and_keeps_negative_amounts(client, organization, two_years, leader, member_of):
    """Text people typed (a reason, an action) that a spreadsheet would run as a formula gets a leading
    apostrophe; negative amounts stay numbers."""
    # given: a lost reason and an action title that start formulas
    report = two_years["2024-12"]
    report.figures["lost_by_reason"] = [{"reason": '=HYPERLINK("http://x")', "customers": 3}]
    report.figures["bridge"]["classes"]["lost"]["value"] = "-1371.75"
    report.save(update_fields=["figures"])
    CustomerRoomAction.objects.create(
        organization=organization, month=report.month, title="@SUM(A1:A9)", owner=member_of(Role.CCO)
    )

    # when
    tables = read_zip(client.get(url("csv", organization, month="2024-12")))

    # then
    assert tables["lost-by-reason.csv"][1] == ['\'=HYPERLINK("http://x")', "3"]
    assert tables["actions.csv"][1][1] == "'@SUM(A1:A9)"
    lost = next(row for row in tables["bridge.csv"] if row[0] == "lost")
    assert lost[2] == "-1371.75"


def test_the_pdf_is_the_whole_report_in_a4_landscape(client, organization, two_years, leader):
    """The PDF is an attachment named after the organization and month; a valid PDF in A4 landscape whose
    text has the organization's name, the month, the charts' figures and page numbers."""
    response = client.get(url("pdf", organization, month="2024-12"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="acme-customer-room-2024-12.pdf"'
    assert response.content.startswith(b"%PDF-")
    pdf = PdfReader(io.BytesIO(response.content))
    first = pdf.pages[0]
    assert round(float(first.mediabox.width)) == 842
    assert round(float(first.mediabox.height)) == 595
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Acme Outfitters" in text
    assert "December 2024" in text
    assert "The customer-asset bridge of December 2024" in text
    assert f"Page 1 of {len(pdf.pages)}" in text


@pytest.mark.parametrize(
    ("months", "customers", "actions"),
    [(3, 10, 1), (30, 200, 12)],
    ids=["3 months, 10 customers, 1 action", "30 months, 200 customers, 12 actions"],
)
def test_the_dashboard_query_count_does_not_grow(client, organization, member_of, months, customers, actions):
    """The dashboard reads one snapshot, the list of report months and the actions: as many queries with
    3 months of reports, few customers and one action as with 30 months, many customers and 12 actions."""
    # given: `months` months of data, each with a done report, and `actions` actions with owners
    load_customer_data(organization, first="2022-01", months=months, customers=customers)
    first = parse_month_label("2022-01")
    labels = [f"{(first + n) // 12:04d}-{(first + n) % 12 + 1:02d}" for n in range(months)]
    for label in labels:
        done_report(organization, label)
    last = parse_month_label(labels[-1])
    for number in range(actions):
        CustomerRoomAction.objects.create(
            organization=organization, month=last, title=f"Action {number}", owner=member_of(Role.EXECUTIVE)
        )
    client.force_login(member_of(Role.LEADERSHIP))
    client.get(url("dashboard", organization, month=labels[-1]))  # sessions and caches warm

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("dashboard", organization, month=labels[-1]))

    # then: the same fixed number of queries (session, user, membership, organizations menu, report,
    # report months, actions, the data version to tell whether newer data exists, the second factor's look for
    # the person's devices). The actions' and meetings' record is read from the snapshot: none of its queries.
    assert response.status_code == 200
    assert len(response.context["months"]) == months
    assert len(queries) == EXPECTED_DASHBOARD_QUERIES, [q["sql"] for q in queries.captured_queries]


EXPECTED_DASHBOARD_QUERIES = 9


def test_an_action_stored_with_year_0_does_not_break_the_report(client, organization, two_years, leader):
    """Given an action stored with the month "0000-01" (before months were checked), when the report of
    December 2024 and its PDF are opened, then both answer, the action's month written as stored."""
    CustomerRoomAction.objects.create(organization=organization, month=0, title="Agreed in year 0")

    page = client.get(url("dashboard", organization, month="2024-12"))
    pdf = client.get(url("pdf", organization, month="2024-12"))

    assert page.status_code == 200
    assert "Agreed in year 0" in page.content.decode()
    assert "0000-01" in page.content.decode()
    assert pdf.status_code == 200


@pytest.mark.parametrize(
    ("month", "why"),
    [("2020-01", "it has no customer data"), ("2024-10", "its customer data is in, but the CCO has not computed it")],
    ids=["no data", "not computed"],
)
def test_a_month_without_a_report_says_why(client, organization, two_years, leader, month, why):
    """Given reports of November and December 2024 only, when leadership opens a month without data or one
    with data but no report, by its address or with the picker, then the page answers 404 saying which, and
    the picker lands on the newest report with the same reason, instead of "this page does not exist"."""
    page = client.get(url("dashboard", organization, month=month))
    picked = client.get(url("latest", organization), {"month": month}, follow=True)

    assert page.status_code == 404
    assert why in page.content.decode()
    assert "Open the newest report" in page.content.decode()
    assert picked.redirect_chain[-1][0] == url("dashboard", organization, month="2024-12")
    assert any(why in str(message) for message in picked.context["messages"])


def test_the_report_says_why_customers_moved_in_each_class(client, organization, member_of):
    """Given customer data without any reason recorded, the report of a month shows, for each class that customers
    moved into, its customers under "unknown" with the class's value change, as the figures hold them."""
    load_customer_data(organization)
    report = done_report(organization, "2024-12")
    client.force_login(member_of(Role.LEADERSHIP))

    html = client.get(url("dashboard", organization, month="2024-12")).content.decode()

    classes = report.figures["reasons_by_class"]
    bridge = report.figures["bridge"]["classes"]
    assert set(classes) == {
        name for name in ("new", "reactivated", "lost", "increased", "decreased") if bridge[name]["count"]
    }
    for name, rows in classes.items():
        assert rows == [{"reason": "unknown", "customers": bridge[name]["count"], "value": bridge[name]["value"]}]
    assert "Why customers moved in December 2024" in html
    assert html.count('class="table table-sm report-table why-table"') == len(classes)


def test_the_page_and_the_pdf_show_the_quarter_and_year_so_far(client, organization, two_years, leader):
    """The report of December 2024 shows its snapshot's Q4 2024 and 2024 so far, start to end, on the page and in
    the PDF."""
    to_date = two_years["2024-12"].figures["to_date"]
    quarter, year = to_date["quarter"], to_date["year"]

    page = client.get(url("dashboard", organization, month="2024-12")).content.decode()
    pdf = PdfReader(io.BytesIO(client.get(url("pdf", organization, month="2024-12")).content))
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())

    assert (quarter["period"], year["period"]) == ("2024-Q4", "2024")
    section = page[page.index('id="to-date-heading"') : page.index("</section>", page.index('id="to-date-heading"'))]
    assert "This quarter so far" in section
    assert "This year so far" in section
    assert "Q4 2024: October 2024 to December 2024" in section
    assert "2024: January 2024 to December 2024" in section
    for period in (quarter, year):
        assert f'<td class="text-end">{period["end"]["count"]}</td>' in section
        assert f'<td class="text-end">{period["classes"]["lost"]["count"]}</td>' in section
    assert "This quarter so far / This year so far" in pdf_text
    assert "Q4 2024: October 2024 to December 2024" in pdf_text


def test_a_report_made_before_the_quarter_and_year_so_far_omits_them(client, organization, two_years, leader):
    """A snapshot stored before the quarter and year were kept has no such key: the page leaves the section out."""
    report = two_years["2024-12"]
    del report.figures["to_date"]
    report.save(update_fields=["figures"])

    response = client.get(url("dashboard", organization, month="2024-12"))

    assert response.status_code == 200
    assert response.context["to_date"] is None
    assert b"to-date-heading" not in response.content
