"""The four roles of PRODUCT.md and the role sets that views declare."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    CCO = "cco", _("Chief Customer Officer")
    EXECUTIVE = "executive", _("Executive")
    LEADERSHIP = "leadership", _("Leadership")


ROLE_DESCRIPTIONS = {
    Role.ADMIN: _("Manages members, roles, invitations and organization settings; may do everything below."),
    Role.CCO: _("Opens survey and checklist rounds, manages the roadmap, imports customer data, edits report actions."),
    Role.EXECUTIVE: _("Answers the surveys and checklists it is invited to; reads results and reports."),
    Role.LEADERSHIP: _("Reads results, the roadmap and reports."),
}

ANY_MEMBER = frozenset(Role)
MANAGERS = frozenset({Role.ADMIN, Role.CCO})
ADMINS = frozenset({Role.ADMIN})


def roles_allow(held: Iterable[str], required: Iterable[str]) -> bool:
    """True when a member holding `held` may do what needs one of `required`; admin may do everything."""
    held = set(held)
    return Role.ADMIN in held or bool(held & set(required))
