"""How the roadmap pages word a maturity stage and mark a status."""

from django import template

from ..models import Stage, Status

register = template.Library()

# Beside the colour and the word, so that a status reads in grey print and to colour-blind readers too.
STATUS_ICONS = {Status.PLANNED: "○", Status.IN_PROGRESS: "◐", Status.BLOCKED: "✕", Status.DONE: "✓"}


@register.filter
def stage_name(stage: int | None) -> str:
    """The name of a stage without its number: "Emerging" for 2; empty when no stage is set."""
    return Stage(stage).label.split(" · ", 1)[1] if stage else ""


@register.filter
def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "")
