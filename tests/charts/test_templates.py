"""One template per kind of chart: only templates/charts/ draws a chart in SVG, and every page that draws a
kind includes that template (the dashboard, the report page and its PDF, the roadmap, the assessments)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CHART_TEMPLATES = TEMPLATES / "charts"
SVG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
# An icon is not a chart: an <svg> whose class names it an icon ("icon", "icon-…") may stand anywhere.
ICON = re.compile(r'\bclass="(?:[^"]*\s)?icon(?:-[\w-]+)?(?:\s[^"]*)?"')


def charts_outside_the_chart_templates() -> list[str]:
    found = []
    for template in TEMPLATES.rglob("*.html"):
        if CHART_TEMPLATES in template.parents:
            continue
        for tag in SVG.findall(template.read_text(encoding="utf-8")):
            if not ICON.search(tag):
                found.append(f"{template.relative_to(TEMPLATES)}: {tag}")
    return found


def test_only_the_chart_templates_draw_svg_charts():
    """No template outside templates/charts/ holds an <svg> other than an icon; a page includes the chart
    template of its kind instead."""
    assert charts_outside_the_chart_templates() == []


def test_the_guard_tells_an_icon_from_a_chart():
    assert ICON.search('<svg class="icon" viewBox="0 0 16 16">')
    assert ICON.search('<svg class="nav-mark icon-download" aria-hidden="true">')
    assert not ICON.search('<svg class="meter" viewBox="0 0 100 8">')
    assert not ICON.search('<svg class="lexicon-chart">')


def test_every_chart_template_is_included_by_a_page():
    """A chart template nobody includes is a kind drawn some other way, or dead."""
    pages = "".join(
        path.read_text(encoding="utf-8")
        for path in [*TEMPLATES.rglob("*.html"), *Path(__file__).resolve().parents[2].glob("*/templatetags/*.py")]
    )
    for template in CHART_TEMPLATES.glob("*.html"):
        assert f'"charts/{template.name}"' in pages, template.name
