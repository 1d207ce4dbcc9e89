"""The four roles of PRODUCT.md and the role sets that views declare."""

from collections.abc import Iterable

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    CCO = "cco", "Chief Customer Officer"
    EXECUTIVE = "executive", "Executive"
    LEADERSHIP = "leadership", "Leadership"


ROLE_DESCRIPTIONS = {
    Role.ADMIN: "Manages members, roles, invitations and organization settings; may do everything below.",
    Role.CCO: "Opens survey and checklist rounds, manages the roadmap, imports customer data, edits report actions.",
    Role.EXECUTIVE: "Answers the surveys and checklists it is invited to; reads results and reports.",
    Role.LEADERSHIP: "Reads results, the roadmap and reports.",
}

ANY_MEMBER = frozenset(Role)
MANAGERS = frozenset({Role.ADMIN, Role.CCO})
ADMINS = frozenset({Role.ADMIN})


def roles_allow(held: Iterable[str], required: Iterable[str]) -> bool:
    """True when a member holding `held` may do what needs one of `required`; admin may do everything."""
    held = set(held)
    return Role.ADMIN in held or bool(held & set(required))
