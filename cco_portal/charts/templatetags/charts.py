"""The tags of templates/charts/: the palette's colour of a mark, written into the SVG as an attribute."""

from django import template

from cco_portal.charts import palette

register = template.Library()


@register.filter
def chart_colour(kind: str) -> str:
    """The palette's colour of a mark of `kind` (a movement, a waterfall step, a status, "ink", "axis"…)."""
    return palette.colour(kind)
