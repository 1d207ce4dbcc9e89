"""Formatting of results: shares as percentages, changes in points, and bars drawn as inline SVG.

The bars are SVG rectangles sized by attributes, not by style="width: …", so they need neither
JavaScript nor inline styles and keep working under a strict Content-Security-Policy.
"""

from django import template

from cco_portal.charts.geometry import percent_width, stacked_segments

from ..percentages import whole_percent
from ..selectors import Alignment

register = template.Library()

ALIGNMENT_BADGES = {
    Alignment.UNANIMOUS_YES: "text-bg-success",
    Alignment.UNANIMOUS_NO: "text-bg-danger",
    Alignment.SPLIT: "text-bg-warning",
    Alignment.ONLY_ONE_ANSWER: "text-bg-light border",
    Alignment.NO_ANSWERS: "text-bg-light border",
}


@register.filter
def percent(share: float | None) -> str:
    """0.734 → "73%"; no value → "—"."""
    return "—" if share is None else f"{whole_percent(share)}%"


@register.filter
def points(change: int | None) -> str:
    """A change in whole percentage points (see percentages.py): +12 pts, -5 pts (a true minus sign), ±0 pts."""
    if change is None:
        return "—"
    if change == 0:
        return "±0 pts"
    return f"+{change} pts" if change > 0 else f"\u2212{-change} pts"


@register.filter
def change_class(change: int | None) -> str:
    """Green for better, red for worse, grey otherwise."""
    if not change:
        return "text-body-secondary"
    return "text-success" if change > 0 else "text-danger"


@register.filter
def alignment_badge(alignment: str) -> str:
    return ALIGNMENT_BADGES.get(alignment, "text-bg-light")


@register.inclusion_tag("charts/stacked_bar.html")
def yes_no_bar(result):
    """One question's YES and NO answers as a stacked horizontal bar."""
    yes_share = result.yes / result.answers if result.answers else 0
    no_share = 1 - yes_share if result.answers else 0
    return {"segments": stacked_segments([("yes", yes_share), ("no", no_share)]), "class_name": "bar"}


@register.inclusion_tag("charts/meter.html")
def score_bar(share: float | None, view: str):
    """A 0 to 100 % score as a bar on a grey track; `view` ("self" or "leaders") picks the colour."""
    return {"percent": percent_width(share), "kind": view, "class_name": "bar"}


@register.filter
def comments_for(comments: dict, question) -> list:
    """The comments on `question` from a {question id: comments} mapping."""
    return comments.get(question.pk, [])
