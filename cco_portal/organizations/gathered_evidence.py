"""Evidence from the record that a question can show beside it, gathered from the apps built on the base.

A CEO-commitment question such as "Are forums for accountability regularly scheduled and enforced?" is better
answered beside what the portal has seen happen. The question's app names a topic; the app that keeps the record
offers what it knows of that topic in its own `evidence` module, as `evidence_for(organization, topic) ->
list[Evidence]`, the way each app offers what waits for a person in an `overview` module (waiting.py). Neither app
imports the other.
"""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

# The topics a question may ask evidence of.
ACCOUNTABILITY_FORUMS = "accountability-forums"


def competency_topic(number: int) -> str:
    """The topic of a competency's maturity: what the record shows is in place, stage by stage."""
    return f"competency-{number}"


@dataclass(frozen=True)
class Evidence:
    """What the record shows: a title, a few sentences, and where to see more. Evidence of a competency's maturity
    also says whether it is in place (`met`) and the maturity stage it belongs to."""

    title: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    met: bool | None = None
    stage: int | None = None


def evidence_for(organization, topic: str) -> list[Evidence]:
    """Every app's evidence on `topic` for `organization`."""
    found: list[Evidence] = []
    for app in apps.get_app_configs():
        if find_spec(f"{app.name}.evidence") is not None:
            found.extend(import_module(f"{app.name}.evidence").evidence_for(organization, topic))
    return found
