"""The report's figures are the other apps' results for the same month, read through their selectors:
nothing is computed a second time."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import selectors as assessment_selectors
from assessments.models import Kind
from metrics import periods
from metrics import selectors as metric_selectors
from metrics.computation import compute_customer_movements
from metrics.models import Movement, to_amount
from metrics.months import month_index, month_label, parse_month_label
from reports.figures import build_report_figures, report_day
from roadmap import selectors as roadmap_selectors
from tests.assessments.factories import RoundFactory, respond
from tests.metrics.activity import HISTORY, load
from tests.reports.conftest import FIRST_MONTH, MARCH
from tests.roadmap.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

FEBRUARY = MARCH - 1


def _strings(value):
    if isinstance(value, dict):
        return {key: _strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings(item) for item in value]
    return value if isinstance(value, (int, str, type(None))) else str(value)


def test_the_bridge_trend_segments_and_reasons_equal_the_metrics_selectors(organization, customer_data):
    """Given computed movements, when the report of March is built, then its bridge is the metrics bridge
    of March, its trend the movement table up to March, its segments the bridges per segment and its
    reasons lost_by_reason: the same numbers, decimals as strings."""
    figures = build_report_figures(organization, MARCH)

    bridge = metric_selectors.bridge(organization, MARCH)
    assert figures["month"] == "2024-03"
    assert figures["data_version"] == customer_data.computed_version
    assert figures["data_computed_at"] == customer_data.computed_at.isoformat()
    assert figures["bridge"]["start"] == {"count": bridge.start_count, "value": str(to_amount(bridge.start_value))}
    assert figures["bridge"]["end"] == {"count": bridge.end_count, "value": str(to_amount(bridge.end_value))}
    for name in Movement.values:
        assert figures["bridge"]["classes"][name]["count"] == getattr(bridge.row, f"{name}_count")
        assert figures["bridge"]["classes"][name]["value"] == str(to_amount(getattr(bridge.row, f"{name}_value", 0)))
    assert figures["trend"] == _strings(metric_selectors.movement_table(organization, first=MARCH - 23, last=MARCH))
    assert [row["month"] for row in figures["trend"]] == ["2024-01", "2024-02", "2024-03"]
    assert [s["segment"] for s in figures["segments"]] == metric_selectors.segments(organization)
    for segment in figures["segments"]:
        expected = metric_selectors.bridge(organization, MARCH, segment=segment["segment"])
        assert segment["bridge"]["end"]["count"] == expected.end_count
    assert figures["lost_by_reason"] == metric_selectors.lost_by_reason(organization, MARCH)
    assert figures["year_ago"] is None  # no data a year before


def test_a_month_without_data_has_no_bridge(organization, customer_data):
    """Given data from 2024-01, when the report of the month before is built, then it has no bridge and
    an empty trend, and still the roadmap."""
    figures = build_report_figures(organization, FIRST_MONTH - 1)

    assert figures["bridge"] is None
    assert figures["trend"] == []
    assert len(figures["roadmap"]) == 5


def test_the_roadmap_equals_the_competency_rollup_on_the_reports_day(organization):
    """Given milestones done, overdue and due soon, when the report of this month is built, then each
    competency's counts are competency_rollup's as of today (the month is not over)."""
    today = timezone.localdate()
    MilestoneFactory(organization=organization, done=True)
    MilestoneFactory(organization=organization, due_date=today - timedelta(days=3), start_date=None)
    MilestoneFactory(organization=organization, due_date=today + timedelta(days=10), start_date=None)

    figures = build_report_figures(organization, month_index(today))

    rollup = roadmap_selectors.competency_rollup(organization, today=report_day(month_index(today)))
    assert figures["roadmap"] == [
        {
            "number": r.competency.number,
            "name": r.competency.short_title or r.competency.title,
            "done": r.done,
            "due": r.due_soon,
            "overdue": r.overdue,
            "total": r.total,
            "maturity_stage": r.stage,
        }
        for r in rollup
    ]
    assert figures["roadmap"][0]["total"] == 3


def test_readiness_and_commitment_are_the_latest_closed_rounds_results(organization, member_of):
    """Given two closed readiness rounds and a closed CEO review, when this month's report is built, then
    readiness is the later round's result with the earlier one's beside it, and the commitment scores are
    the review's self-view and leaders' view, in percent."""
    today = timezone.localdate()
    executive, ceo = member_of("executive"), member_of("executive")
    earlier = RoundFactory(
        organization=organization, title="Spring", opens_on=date(2000, 1, 1), closes_on=today - timedelta(days=40)
    )
    later = RoundFactory(
        organization=organization, title="Autumn", opens_on=date(2000, 1, 1), closes_on=today - timedelta(days=1)
    )
    respond(earlier, executive, "YYYNNNNNNNN")
    respond(later, executive, "YYYYYYNNNNN")
    review = RoundFactory(
        organization=organization,
        kind=Kind.COMMITMENT,
        title="Review 1",
        ceo=ceo,
        opens_on=date(2000, 1, 1),
        closes_on=today - timedelta(days=1),
    )
    questions = review.questionnaire.questions.count()
    respond(review, ceo, "Y" * questions)
    respond(review, executive, "P" * questions)

    figures = build_report_figures(organization, month_index(today))

    results = assessment_selectors.readiness_results(later)
    assert figures["readiness"] == {
        "round": "Autumn",
        "closed_on": later.closes_on.isoformat(),
        "percent": round(100 * results.readiness),
        "previous_percent": round(100 * results.previous.readiness),
        "respondents": 1,
    }
    commitment = assessment_selectors.commitment_results(review)
    assert figures["commitment"] == {
        "round": "Review 1",
        "closed_on": review.closes_on.isoformat(),
        "ceo_score": round(100 * commitment.overall.self_view),
        "leaders_score": round(100 * commitment.overall.leaders_view),
        "previous_leaders_score": None,
    }
    assert (figures["commitment"]["ceo_score"], figures["commitment"]["leaders_score"]) == (100, 50)


def test_a_round_still_open_is_not_reported(organization):
    """Given only a readiness round that closes after today, when this month's report is built, then it
    has no readiness results yet."""
    RoundFactory(organization=organization)

    figures = build_report_figures(organization, month_index(timezone.localdate()))

    assert figures["readiness"] is None
    assert figures["commitment"] is None
    assert month_label(month_index(timezone.localdate())) == figures["month"]


def test_the_report_says_what_value_means_at_its_window(organization):
    """A report computed at a window of 3 names the window and says its values are three months' revenue."""
    load(organization, HISTORY, window=3)
    compute_customer_movements(organization=organization)

    figures = build_report_figures(organization, parse_month_label("2024-03"))

    assert figures["activity_window"] == 3
    assert "over the 3 months up to and including the month" in figures["value_meaning"]


def _period_figures(bridge) -> dict:
    """A metrics.periods bridge in the snapshot's shape: counts, and values as exact decimal strings."""
    return {
        "start": {"count": bridge.start_count, "value": str(to_amount(bridge.start_value))},
        "end": {"count": bridge.active_count, "value": str(to_amount(bridge.active_value))},
        "classes": {
            name: {"count": bridge.counts[name], "value": str(to_amount(bridge.values[name]))}
            for name in periods.CLASSES
        },
    }


def test_the_quarter_and_year_so_far_equal_metrics_periods(organization, customer_data):
    """Given four months in which Bob skips February (a gap) and Cy's only purchase is refunded, when the report of
    March is built, then its quarter so far is metrics.periods' Q1 2024 and its year so far 2024 read through
    March: the same six classes, start and end, values as exact decimal strings; April's data is left out of
    the year."""
    figures = build_report_figures(organization, MARCH)

    quarter, year = figures["to_date"]["quarter"], figures["to_date"]["year"]
    q1 = periods.period_bridge(organization, 3, MARCH // 3, through=MARCH)
    assert quarter == {"period": "2024-Q1", "first_month": "2024-01", "through": "2024-03", **_period_figures(q1)}
    assert _period_figures(q1) == _period_figures(periods.period_bridge(organization, 3, MARCH // 3))  # Q1 closed
    year_2024 = periods.period_bridge(organization, 12, 2024, through=MARCH)
    assert year == {"period": "2024", "first_month": "2024-01", "through": "2024-03", **_period_figures(year_2024)}
    # By hand, window 1 and 3 (quarter) or 12 (year) months of value: Ann 400, Bob 120, Dee 20.5, all new.
    assert quarter["classes"]["new"] == {"count": 3, "value": "540.50"}
    assert year["end"] == {"count": 3, "value": "540.50"}
    assert year["classes"]["lost"]["count"] == 0
    for period in (quarter, year):
        gained = period["classes"]["new"]["count"] + period["classes"]["reactivated"]["count"]
        assert period["end"]["count"] == period["start"]["count"] + gained - period["classes"]["lost"]["count"]
        changes = sum(Decimal(period["classes"][name]["value"]) for name in periods.CLASSES)
        assert Decimal(period["end"]["value"]) == Decimal(period["start"]["value"]) + changes


def test_a_past_months_quarter_so_far_is_the_quarter_as_its_data_stood(organization, customer_data):
    """Given data to April, when the report of February is built, then its quarter and year so far are those
    metrics.periods computes from the data of January and February alone: the months after are not read."""
    figures = build_report_figures(organization, FEBRUARY)

    load(organization, [row for row in HISTORY if row[1] <= "2024-02"])
    alone = periods.period_bridge(organization, 3, FEBRUARY // 3)
    assert alone.is_open
    assert figures["to_date"]["quarter"] == {
        "period": "2024-Q1",
        "first_month": "2024-01",
        "through": "2024-02",
        **_period_figures(alone),
    }
    # Ann 250, Bob 50 (before his gap); Cy's refunded purchase makes nobody active.
    assert figures["to_date"]["quarter"]["end"] == {"count": 2, "value": "300.00"}
    assert figures["to_date"]["year"]["end"] == figures["to_date"]["quarter"]["end"]


def test_a_month_before_the_data_has_no_quarter_or_year(organization, customer_data):
    figures = build_report_figures(organization, FIRST_MONTH - 1)

    assert figures["to_date"] == {"quarter": None, "year": None}
