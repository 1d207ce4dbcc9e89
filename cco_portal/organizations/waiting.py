"""What waits for a person on their organization's overview, gathered from the apps built on the base.

The base knows no feature app by name (STYLE.md's arrows): each app that has something waiting for a person
offers it in its own `overview` module, as `waiting_for(organization, user) -> list[Waiting]`, the way each
offers its demo data in a `demo` module.
"""

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass(frozen=True)
class Waiting:
    """One thing a person should do: what, why it is urgent, and where to do it."""

    title: str
    note: str
    url: str
    is_late: bool = False
    # Shown before everything else: the figures a person owns lead their overview.
    is_own_figure: bool = False


def waiting_for(organization, user) -> list[Waiting]:
    """Everything waiting for `user` in `organization`: the figures they own first, then the late."""
    found: list[Waiting] = []
    for app in apps.get_app_configs():
        if find_spec(f"{app.name}.overview") is not None:
            found.extend(import_module(f"{app.name}.overview").waiting_for(organization, user))
    return sorted(found, key=lambda item: (not item.is_own_figure, not item.is_late))
