"""The charts' one palette: readable against the background it is drawn on (WCAG 2.1 AA), and the same in
the pages' stylesheet as in the SVG the templates write (and the PDF draws)."""

import re
import zlib
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from cco_portal.charts.palette import BACKGROUND, PALETTE, Role, colour, contrast_ratio, css_custom_properties

CHARTS_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "charts.css"


def test_the_contrast_ratio_is_wcag_s():
    """Black on white is 21:1, a colour on itself 1:1, and WCAG's own example grey #767676 just passes 4.5:1."""
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#1f4e79", "#1f4e79") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5


@pytest.mark.parametrize("kind", list(PALETTE))
def test_every_colour_that_carries_meaning_is_readable_on_the_background(kind):
    """Text (and a mark whose colour is a text colour too) reaches 4.5:1 against the white the charts are
    drawn on, every other meaningful mark 3:1; only decoration (grid, track, the connectors a bar repeats)
    may be lighter."""
    entry = PALETTE[kind]
    ratio = contrast_ratio(entry.value, BACKGROUND)
    assert ratio >= entry.role.value, f"{kind} {entry.value} is {ratio:.2f}:1 against {BACKGROUND}"


def test_decoration_is_kept_to_what_nothing_is_read_from():
    """A colour cannot escape the check by being called decoration: only these are."""
    assert {kind for kind, entry in PALETTE.items() if entry.role is Role.DECORATION} == {
        "connector",
        "grid",
        "track",
    }


def test_the_stylesheet_holds_the_palette_exactly():
    """static/css/charts.css declares the palette's custom properties with the values the SVG is written
    with; regenerate its :root block from cco_portal.charts.palette.css_custom_properties() after a change."""
    assert css_custom_properties() in CHARTS_CSS.read_text(encoding="utf-8")
    declared = re.findall(r"--chart-([a-z-]+):\s*(#[0-9a-f]{6});", CHARTS_CSS.read_text(encoding="utf-8"))
    assert dict(declared) == {kind.replace("_", "-"): entry.value for kind, entry in PALETTE.items()}


def test_no_other_stylesheet_defines_a_chart_colour():
    """The palette is defined once: the apps' stylesheets use its custom properties and define none."""
    for sheet in CHARTS_CSS.parent.glob("*.css"):
        if sheet != CHARTS_CSS:
            assert not re.search(r"--chart-[a-z-]+\s*:", sheet.read_text(encoding="utf-8")), sheet.name


def test_a_kind_the_palette_does_not_name_is_drawn_in_the_neutral_colour():
    assert colour("lost") == PALETTE["lost"].value
    assert colour("a class added later") == PALETTE["none"].value


def test_the_svg_is_written_in_the_palette_s_colours():
    """A meter filled for a blocked milestone, on its track, in the palette's colours as attributes (which
    WeasyPrint draws without the page's stylesheet)."""
    svg = render_to_string("charts/meter.html", {"percent": 40, "kind": "blocked"})

    assert f'fill="{PALETTE["track"].value}"' in svg
    assert f'width="40" height="8" fill="{PALETTE["blocked"].value}"' in svg


def test_the_pdf_reads_the_palette_for_what_it_draws_outside_the_svg():
    """A legend swatch of the report's PDF is painted in the palette's colour: WeasyPrint reads the palette's
    custom properties (static/css/charts.css) before the print layout, which uses them."""
    from reports.pdf import html_to_pdf

    pdf = html_to_pdf('<p><span class="report-swatch" data-kind="decreased"></span> Decreased</p>')

    channels = (int(PALETTE["decreased"].value[i : i + 2], 16) / 255 for i in (1, 3, 5))
    painted = (" ".join(f"{c:.6f}".rstrip("0").rstrip(".") for c in channels) + " rg").encode()
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    assert any(painted in zlib.decompress(stream) for stream in streams if stream[:1] == b"x")
