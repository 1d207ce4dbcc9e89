"""build_report_figures: what a customer-room report holds, gathered from the selectors of the metrics,
roadmap and assessments apps and from the customer room's own record (never computed a second time here), as
JSON-ready data.

The shape, which the dashboard, the PDF, the CSV export and the API read:

    {
      "organization": str,                      # the organization's name
      "month": "YYYY-MM",
      "data_version": int,                      # metrics Dataset.computed_version the figures come from (0: none)
      "data_computed_at": ISO 8601 | None,      # when those movements were computed
      "activity_window": int,                   # the window those movements were computed with (months)
      "value_meaning": str,                     # what "value" means at that window, in words
      "owners": {"segments": {segment: name}, "figures": {class: name}},
                                                # the executives who own a segment or a figure of the bridge
      "charter": None | {"version": int, "activity_window": int, "agreed_at": ISO 8601 | None,
                         "agreed": int, "leaders": int},
                                                # the newest customer-asset charter version that defines that
                                                # window, and its sign-off; None: no version defines it
      "bridge": BRIDGE | None,                  # the month's customer-asset bridge; None: no data for the month
      "year_ago": BRIDGE | None,                # the same month a year earlier
      "trend": [TREND_ROW],                     # the 24 months ending at the month (those with data), oldest first
      "to_date": {"quarter": PERIOD_TO_DATE | None, "year": PERIOD_TO_DATE | None},
                                                # the quarter and the year holding the month, through it
                                                # (metrics.periods); absent from reports made before it
      "segments": [{"segment": str, "label": str, "bridge": BRIDGE}],
                                                # "" is the segment of customers without one; label "No segment"
      "lost_by_reason": [{"reason": str, "customers": int}],   # most frequent first, "unknown" where none given
      "reasons_by_class": {"new" | "reactivated" | "lost" | "increased" | "decreased":
                           [{"reason": str, "customers": int, "value": "decimal string"}]},
                                                # each class's top five reasons, most customers first; the value
                                                # is the class's value change (lost: negative)
      "roadmap": [{"number": int, "name": str, "done": int, "due": int, "overdue": int, "total": int,
                   "maturity_stage": int | None}],
                                                # per competency, as of the month's last day (or today, if
                                                # earlier); "due": open milestones due in the 30 days after it
      "readiness": None | {"round": str, "closed_on": "YYYY-MM-DD", "percent": int,
                           "previous_percent": int | None, "respondents": int},
      "commitment": None | {"round": str, "closed_on": "YYYY-MM-DD", "ceo_score": int | None,
                            "leaders_score": int | None, "previous_leaders_score": int | None},
      "accountability": {"as_of": "YYYY-MM-DD", "due": int, "on_time": int, "on_time_percent": int | None,
                         "overdue_by_owner": [{"owner": str, "overdue": int}],
                         "meetings_due": int, "meetings_on_schedule": int,
                         "attendance_by_leader": [{"leader": str, "present": int, "invited": int}]},
                                                # the customer room's record as of the report's day, as it stood
                                                # when the report was computed (reports/accountability.py);
                                                # absent from reports computed before it was kept
    }

    BRIDGE = {
      "start": {"count": int, "value": "decimal string"},   # the end of the month before
      "end": {"count": int, "value": "decimal string"},
      "classes": {"new" | "reactivated" | "lost" | "increased" | "decreased": {"count": int, "value": "decimal"},
                  "stable": {"count": int, "value": "0.00"}},
    }
    PERIOD_TO_DATE = BRIDGE and {"period": "YYYY-Qn" | "YYYY", "first_month": "YYYY-MM", "through": "YYYY-MM"}:
      the period's bridge as it stood at the end of "through" (the month, or the last month with data if earlier);
      "start" is the end of the period before.
    TREND_ROW = a row of metrics.selectors.movement_table with every decimal as a string:
      {"month": "YYYY-MM", "active": int, "value": "decimal",
       "new" | "reactivated" | "lost" | "increased" | "decreased" | "stable": {"count": int, "value": "decimal"}}

Values are decimal strings (exact, as metrics.models.to_amount gives them); lost values are negative
(the value the customers had the month before). Readiness and commitment are the latest rounds that
closed on or before the month's last day (and before today): readiness in percent of YES answers,
commitment scores in percent of a full Yes (Partly counts half), the CEO's self-view and the leaders' view.
"""

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils import timezone

from assessments import selectors as assessments
from assessments.models import Kind
from assessments.percentages import whole_percent
from cco_portal.organizations.models import Organization
from metrics import periods
from metrics import selectors as metrics
from metrics.months import month_label, month_start
from roadmap import selectors as roadmap

from .accountability import accountability

TREND_MONTHS = 24
NO_SEGMENT = "No segment"

# How far the gathering has come after each section, for the progress bar.
Progress = Callable[[int], None]


def build_report_figures(organization: Organization, month: int, *, on_progress: Progress | None = None) -> dict:
    """The figures of the report of `month` (see the module docstring), from the stored movements and the
    current roadmap and assessment results; `on_progress` is told the percent done after each section."""
    progress = on_progress or (lambda percent: None)
    figures = metric_figures(organization, month)
    figures["to_date"] = to_date_figures(organization, month)
    progress(60)
    figures["roadmap"] = roadmap_figures(organization, month)
    progress(75)
    figures["readiness"] = readiness_figures(organization, month)
    progress(85)
    figures["commitment"] = commitment_figures(organization, month)
    figures["accountability"] = accountability(organization, as_of=report_day(month), month=month).as_dict()
    progress(95)
    return figures


def metric_figures(organization: Organization, month: int) -> dict:
    """The customer-asset part: data version, bridge, a year ago, trend, segments, lost by reason."""
    dataset = metrics.dataset(organization)
    computed_at = dataset.computed_at if dataset else None
    window = (dataset.computed_window if dataset else None) or organization.activity_window
    return {
        "organization": organization.name,
        "month": month_label(month),
        "data_version": (dataset.computed_version or 0) if dataset else 0,
        "data_computed_at": computed_at.isoformat() if computed_at else None,
        "activity_window": window,
        "value_meaning": metrics.value_meaning(window),
        "charter": metrics.charter_statement(organization, window),
        "owners": metrics.figure_owners(organization).names(),
        "bridge": bridge_figures(metrics.bridge(organization, month)),
        "year_ago": bridge_figures(metrics.bridge(organization, month - 12)),
        "trend": _as_json(metrics.movement_table(organization, first=month - TREND_MONTHS + 1, last=month)),
        "segments": [
            {"segment": segment, "label": segment or NO_SEGMENT, "bridge": figures}
            for segment in metrics.segments(organization)
            if (figures := bridge_figures(metrics.bridge(organization, month, segment=segment))) is not None
        ],
        "lost_by_reason": [
            {"reason": row["reason"], "customers": row["customers"]}
            for row in metrics.lost_by_reason(organization, month)
        ],
        "reasons_by_class": {
            movement: [
                {"reason": row["reason"], "customers": row["customers"], "value": str(metrics.to_amount(row["value"]))}
                for row in rows
            ]
            for movement, rows in metrics.reasons_by_class(organization, month).items()
        },
    }


def bridge_figures(bridge: "metrics.Bridge | None") -> dict | None:
    """A metrics bridge as BRIDGE (module docstring); None stays None."""
    if bridge is None:
        return None
    row = bridge.row
    classes = {
        name: {
            "count": getattr(row, f"{name}_count"),
            "value": str(metrics.to_amount(getattr(row, f"{name}_value", 0))),
        }
        for name in metrics.MOVEMENT_CLASSES
    }
    return {
        "start": {"count": bridge.start_count, "value": str(metrics.to_amount(bridge.start_value))},
        "end": {"count": bridge.end_count, "value": str(metrics.to_amount(bridge.end_value))},
        "classes": classes,
    }


def to_date_figures(organization: Organization, month: int) -> dict:
    """The bridge of the quarter and of the year holding `month`, so far: metrics.periods' figures with the data
    read through the month, so that a report of a past month is not changed by the months imported after it."""
    last = periods.data_last_month(organization)
    through = month if last is None else min(month, last)
    figures: dict[str, dict | None] = {}
    for name, length in (("quarter", periods.LENGTHS[periods.QUARTER]), ("year", periods.LENGTHS[periods.YEAR])):
        bridge = periods.period_bridge(organization, length, periods.period_of(month, length), through=through)
        figures[name] = (
            None
            if bridge is None
            else {
                "period": bridge.label,
                "first_month": month_label(bridge.first_month),
                "through": month_label(through),
                **bridge_figures(bridge),  # type: ignore[arg-type, dict-item]  # a PeriodBridge reads as a Bridge
            }
        )
    return figures


def report_day(month: int, today: date | None = None) -> date:
    """The day a report of `month` looks at the roadmap and assessments from: the month's last day, or
    today while the month is not over."""
    start = month_start(month)
    last = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return min(last, today or timezone.localdate())


def roadmap_figures(organization: Organization, month: int) -> list[dict]:
    """Per competency: milestones done, due soon, overdue and in all, and the maturity stage. The roadmap
    keeps no past states, so these are its current milestones counted as of the report's day."""
    return [
        {
            "number": rollup.competency.number,
            "name": rollup.competency.short_title or rollup.competency.title,
            "done": rollup.done,
            "due": rollup.due_soon,
            "overdue": rollup.overdue,
            "total": rollup.total,
            "maturity_stage": rollup.stage,
        }
        for rollup in roadmap.competency_rollup(organization, today=report_day(month))
    ]


def _latest_closed_round(organization: Organization, kind: str, month: int):
    day = report_day(month)
    today = timezone.localdate()
    return (
        assessments.rounds_for(organization, kind)
        .filter(closes_on__lte=day, closes_on__lt=today)
        .order_by("-closes_on", "-created_at")
        .first()
    )


# The assessments' own rounding, so the report's percentages and changes match the results pages.
_percent = whole_percent


def readiness_figures(organization: Organization, month: int) -> dict | None:
    """The latest readiness round closed by the report's day: readiness and the change from the round before."""
    round_ = _latest_closed_round(organization, Kind.READINESS, month)
    if round_ is None:
        return None
    results = assessments.readiness_results(round_)
    return {
        "round": round_.title,
        "closed_on": round_.closes_on.isoformat(),
        "percent": _percent(results.readiness) or 0,
        "previous_percent": _percent(results.previous.readiness) if results.previous else None,
        "respondents": results.respondents,
    }


def commitment_figures(organization: Organization, month: int) -> dict | None:
    """The latest CEO-commitment review closed by the report's day: the CEO's self-view and the leaders'
    view, and the leaders' view of the review before."""
    round_ = _latest_closed_round(organization, Kind.COMMITMENT, month)
    if round_ is None:
        return None
    results = assessments.commitment_results(round_)
    earlier = [scores for review, scores in results.trend if review.pk != round_.pk]
    return {
        "round": round_.title,
        "closed_on": round_.closes_on.isoformat(),
        "ceo_score": _percent(results.overall.self_view),
        "leaders_score": _percent(results.overall.leaders_view),
        "previous_leaders_score": _percent(earlier[-1].leaders_view) if earlier else None,
    }


def _as_json(value):
    """Decimals as exact strings, everything else as it is (lists and dicts walked)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value
