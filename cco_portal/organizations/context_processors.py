from .roles import Role, roles_allow
from .selectors import list_user_organizations


def organizations(request) -> dict:
    """The organization switcher and the navigation: which organizations, and what the current roles allow."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    roles = getattr(request, "organization_roles", frozenset())
    return {
        "my_organizations": lambda: list_user_organizations(request.user),
        "current_organization": getattr(request, "organization", None),
        "can": {
            "administer": roles_allow(roles, {Role.ADMIN}),
            "manage": roles_allow(roles, {Role.CCO}),
        },
    }
