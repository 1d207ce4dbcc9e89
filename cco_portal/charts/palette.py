"""The one palette of the portal's charts.

The templates under templates/charts/ write these colours into the SVG as presentation attributes, because
WeasyPrint draws inline SVG without the page's CSS and the PDF must show what the page shows. The pages'
own marks outside the SVG (legend swatches, card borders, badges, the roadmap's timeline) read the same
values as CSS custom properties, from static/css/charts.css; tests/charts/test_palette.py keeps the two
equal, and checks each colour's contrast against the background it is drawn on (WCAG 2.1 AA).
"""

from dataclasses import dataclass
from enum import Enum

BACKGROUND = "#ffffff"


class Role(Enum):
    """What a colour is used for, and so the contrast it needs against the background (WCAG 2.1 AA)."""

    TEXT = 4.5  # written text, or a mark that is also a text colour somewhere
    MARK = 3.0  # a graphical object that carries meaning: a bar, a line, a swatch, an outline
    DECORATION = 1.0  # grid lines, tracks and fills behind an outlined mark: nothing is read from them


@dataclass(frozen=True)
class Colour:
    value: str
    role: Role


PALETTE: dict[str, Colour] = {
    # The customer movements, in bars, waterfalls, swatches and the cards of the figures.
    "new": Colour("#2e7d32", Role.TEXT),
    "reactivated": Colour("#5c9a2a", Role.MARK),
    "increased": Colour("#1f4e79", Role.TEXT),
    "lost": Colour("#b02a37", Role.TEXT),
    "decreased": Colour("#da6e20", Role.MARK),
    "stable": Colour("#868e96", Role.MARK),
    # The steps of a waterfall: its totals, its gains and losses, and a change of zero.
    "total": Colour("#1f4e79", Role.MARK),
    "gain": Colour("#2e7d32", Role.MARK),
    "loss": Colour("#b02a37", Role.MARK),
    "none": Colour("#868e96", Role.MARK),
    "reason": Colour("#b02a37", Role.MARK),
    # Progress: a meter's fill by status, the answers of a survey and the two views of a score.
    "progress": Colour("#2e7d32", Role.MARK),
    "planned": Colour("#6c757d", Role.MARK),
    "in_progress": Colour("#1f4e79", Role.MARK),
    "blocked": Colour("#a85400", Role.MARK),
    "done": Colour("#2e7d32", Role.MARK),
    "overdue": Colour("#b02a37", Role.TEXT),
    "today": Colour("#c2185b", Role.TEXT),
    "yes": Colour("#2e7d32", Role.MARK),
    "partly": Colour("#b7791f", Role.MARK),
    "no": Colour("#da6e20", Role.MARK),
    "self": Colour("#1f4e79", Role.MARK),
    "leaders": Colour("#8a63b8", Role.MARK),
    # The frame of every chart.
    "ink": Colour("#212529", Role.TEXT),  # figures written on the chart
    "axis-text": Colour("#495057", Role.TEXT),  # ticks, months and years
    "axis": Colour("#6c757d", Role.MARK),  # the zero line and the base of horizontal bars
    "connector": Colour("#adb5bd", Role.DECORATION),  # a waterfall's dashes; the bars say the same
    "grid": Colour("#dee2e6", Role.DECORATION),
    "track": Colour("#e9ecef", Role.DECORATION),
}

# Marks of kinds the palette does not name (a movement class added later) are drawn in the neutral colour.
FALLBACK = "none"


def colour(kind: str) -> str:
    """The colour of a chart's mark of `kind`, as #rrggbb."""
    return PALETTE.get(kind, PALETTE[FALLBACK]).value


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour written #rrggbb."""
    digits = hex_colour.lstrip("#")
    channels = [int(digits[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def css_custom_properties() -> str:
    """The palette as the :root block of static/css/charts.css (`--chart-<kind>: #rrggbb;`)."""
    lines = [f"  --chart-{kind.replace('_', '-')}: {entry.value};" for kind, entry in PALETTE.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"
