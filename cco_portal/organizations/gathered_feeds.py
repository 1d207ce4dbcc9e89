"""Flows of customer data that one app keeps and another lists, gathered from the apps built on the base.

The listening path (roadmap) counts the customer-asset data sources (metrics) as behavioural sources of the
journey stages they are attached to, but roadmap and metrics never import each other. The app that keeps such
flows offers them in its own `feeds` module, as `feeds_for(organization) -> list[Feed]`, the way each app offers
evidence in an `evidence` module (gathered_evidence.py); the listening path names a feed by its `key`.
"""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass(frozen=True)
class Feed:
    """A flow of customer data: its key (unique within the organization), its name, when it last delivered, how
    many days may pass between deliveries (None when it delivers only on demand), and where to see it."""

    key: str
    name: str
    last_delivered_at: datetime | None
    cadence_days: int | None
    url: str = ""


def feeds_for(organization) -> list[Feed]:
    """Every app's feeds for `organization`, by name."""
    found: list[Feed] = []
    for app in apps.get_app_configs():
        if find_spec(f"{app.name}.feeds") is not None:
            found.extend(import_module(f"{app.name}.feeds").feeds_for(organization))
    return sorted(found, key=lambda feed: (feed.name.lower(), feed.key))
