"""One rounding for every readiness figure: the results page, the CSV, the API and the monthly report show
the same whole percentages and the same change, whose sign goes with the direction of the percentages."""

import csv
import io
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.models import Kind
from assessments.percentages import change_in_points, whole_percent
from metrics.months import month_index
from reports.figures import build_report_figures
from reports.presentation import report_context
from tests.assessments.factories import RoundFactory, respond
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("share", "percent"),
    [(None, None), (0, 0), (0.125, 13), (0.285, 29), (5 / 11, 45), (26 / 33, 79), (1, 100)],
)
def test_whole_percent_rounds_halves_up_as_people_do(share, percent):
    """Shares become whole percentages, halves up, even where the float falls just below the half."""
    assert whole_percent(share) == percent


def test_a_change_is_the_difference_of_the_percentages_shown():
    """45.5 % → 78.8 % reads 45% → 79%, so the change is +34 points (the exact difference rounds to 33),
    and the other way round it is minus 34, never minus 33."""
    assert change_in_points(26 / 33, 5 / 11) == 34
    assert change_in_points(5 / 11, 26 / 33) == -34
    assert change_in_points(5 / 11, None) is None


def test_results_csv_api_and_report_show_one_change(client, organization, cco_user):
    """Given a round at 5 of 11 (45%) and a later one at 26 of 33 (79%), the results page, the CSV, the API
    and the monthly report all say +34 points."""
    # given
    today = timezone.localdate()
    earlier = RoundFactory(
        organization=organization,
        kind=Kind.READINESS,
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=50),
    )
    respond(earlier, UserFactory(), "YYYYYNNNNNN")
    later = RoundFactory(
        organization=organization,
        kind=Kind.READINESS,
        opens_on=today - timedelta(days=10),
        closes_on=today - timedelta(days=1),
    )
    for letters in ["YYYYYYYYYYY", "YYYYYYYYNNN", "YYYYYYYNNNN"]:
        respond(later, UserFactory(), letters)
    client.force_login(cco_user)
    kwargs = {"org_slug": organization.slug, "round_id": later.pk}

    # when
    page = client.get(reverse("assessments:results", kwargs=kwargs)).content.decode()
    export = client.get(reverse("assessments:results_csv", kwargs=kwargs)).content.decode("utf-8-sig")
    api = client.get(reverse("api-round-results", kwargs=kwargs)).json()
    figures = build_report_figures(organization, month_index(today))
    report = render_to_string(
        "reports/partials/report.html", {**report_context(figures), "organization": organization, "print": True}
    )

    # then
    assert "+34 pts</span> since" in page
    assert "(45%)" in page
    assert ">79%<" in page
    rows = list(csv.DictReader(io.StringIO(export)))
    assert rows[0]["Change (points)"] == "0"  # question 1: Yes from everyone before and now
    assert api["readiness_change"] == 34
    assert (figures["readiness"]["percent"], figures["readiness"]["previous_percent"]) == (79, 45)
    assert "+34 pts since the round before" in report
