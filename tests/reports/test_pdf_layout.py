"""The report's PDF reads as a document: no page before the last is left mostly blank, no page ends on a
heading or a table's header, and a table that runs on to the next page repeats its header there.

Read back with pypdf: each line of text with its height on the page. WeasyPrint writes the charts' labels as
text too, so a page of charts is not taken for an empty one. The PDF is kept as
tests/artifacts/reports-pdf-layout.pdf for a person to look at.
"""

import html
import io
from datetime import timedelta
from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cco_portal.organizations.roles import Role
from metrics import selectors
from metrics.months import month_label
from reports.models import CustomerRoomAction
from tests.e2e.conftest import ARTIFACTS
from tests.reports.snapshots import done_report

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
# static/css/report-print.css: A4 landscape, 14 mm above and 16 mm below hold the running title and the
# page number, which are not the page's content.
PAGE_HEIGHT, TOP_MARGIN, BOTTOM_MARGIN = 595, 14 * MM, 16 * MM
HEADINGS = (
    "The customer-asset bridge of",
    "By segment",
    "This quarter so far",
    "Why customers left in",
    "Roadmap progress",
    "Readiness and CEO commitment",
    "Customer-room actions",
)
ACTIONS_HEADER = "Action Agreed Owner Due Status"


def page_lines(pdf: bytes) -> list[list[tuple[float, str]]]:
    """Each page's lines of content, top to bottom, as (height above the page's foot, text)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        pieces: dict[float, list[tuple[float, str]]] = {}

        def collect(text, cm, tm, font_dict, font_size, pieces=pieces):
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and BOTTOM_MARGIN < y < PAGE_HEIGHT - TOP_MARGIN:
                pieces.setdefault(round(y), []).append((x, text.strip()))

        page.extract_text(visitor_text=collect)
        pages.append([(y, " ".join(t for _, t in sorted(pieces[y]))) for y in sorted(pieces, reverse=True)])
    return pages


@pytest.fixture
def full_report(organization, member_of, client):
    """The demo's two years of customers, roadmap, readiness and reviews, a done report of the newest month
    and a dozen actions agreed in it; a leader signed in. Returns the PDF's address."""
    people = {role: member_of(role, full_name=f"{role.label} Person") for role in Role}
    for app in ("assessments", "roadmap", "metrics"):
        import_module(f"{app}.demo").seed_demo(organization=organization, people=people)
    month = selectors.months(organization)[-1]
    done_report(organization, month_label(month))
    for number in range(12):
        CustomerRoomAction.objects.create(
            organization=organization,
            month=month,
            title=f"Call the largest lost customers of region {number} and write down why they left",
            owner=people[Role.EXECUTIVE],
            due_date=timezone.localdate() + timedelta(days=30 + number),
        )
    client.force_login(people[Role.LEADERSHIP])
    return reverse("reports:pdf", kwargs={"org_slug": organization.slug, "month": month_label(month)})


def test_no_page_is_left_mostly_blank_or_ends_on_a_heading(client, full_report):
    """Given a full month's report with a dozen actions, when its PDF is made, then every page but the last
    is filled past its middle (a heading is kept with its charts, not left alone on the page before them), no
    page's last line is a section's heading or the actions' table header, and the actions' header is
    printed again on each page the table runs on to."""
    response = client.get(full_report)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "reports-pdf-layout.pdf").write_bytes(response.content)  # for a person to look at
    pages = page_lines(response.content)

    assert len(pages) > 1
    middle = (PAGE_HEIGHT - TOP_MARGIN + BOTTOM_MARGIN) / 2
    for number, lines in enumerate(pages[:-1], start=1):
        lowest, last = lines[-1]
        assert lowest < middle, f"page {number} ends half way down, on {last!r}"
        assert not last.startswith(HEADINGS), f"page {number} ends on the heading {last!r}"
        assert last != ACTIONS_HEADER, f"page {number} ends on the actions' table header"
    with_actions = [lines for lines in pages if any(text.startswith("Call the largest") for _, text in lines)]
    for lines in with_actions:
        header = next(index for index, (_, text) in enumerate(lines) if text == ACTIONS_HEADER)
        assert any(text.startswith("Call the largest") for _, text in lines[header + 1 :])


def test_the_page_and_the_pdf_say_what_value_means(client, full_report, organization):
    """Value changes meaning with the activity window: the report page and its PDF both say which it is."""
    meaning = selectors.value_meaning(organization.activity_window)
    page = html.unescape(client.get(full_report.removesuffix("pdf/")).content.decode())
    pdf = client.get(full_report).content
    pdf_text = " ".join(" ".join(text for _, text in lines) for lines in page_lines(pdf))

    assert meaning in page
    assert " ".join(meaning.split()) in " ".join(pdf_text.split())
