"""The one mechanism that scopes pages and API endpoints to an organization and checks the role.

Every URL under /o/<org_slug>/ and /api/v1/orgs/<org_slug>/ resolves the organization from the URL,
never from a preference: a person who is not a member gets 404 (the organization might as well not
exist), a member whose roles do not allow the view gets 403. Views then read only through
`Model.objects.for_organization(self.organization)`.
"""

from collections.abc import Iterable

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import permissions

from .models import Membership, Organization
from .roles import ANY_MEMBER, MANAGERS, roles_allow


def resolve_organization(user, org_slug: str) -> tuple[Organization, frozenset[str]]:
    """The organization named by `org_slug` and the roles `user` holds there; 404 for non-members."""
    memberships = list(Membership.objects.filter(user=user, organization__slug=org_slug).select_related("organization"))
    if not memberships:
        raise Http404("No such organization.")
    return memberships[0].organization, frozenset(m.role for m in memberships)


class OrganizationMixin(AccessMixin):
    """For HTML views under /o/<org_slug>/: sign-in, membership (404) and role (403) checks.

    Set `required_roles` for reading (any one of them suffices; admin may do everything) and `write_roles` for
    POST. Writing is closed unless a view names who may write: a new form is never open to every member by
    accident. Override `get_required_roles()` when the rule depends on the object.
    """

    required_roles: Iterable[str] = ANY_MEMBER
    write_roles: Iterable[str] = frozenset()
    # HTML forms only GET and POST; Django's form views would otherwise also answer PUT.
    http_method_names = ["get", "post", "head", "options"]

    organization: Organization
    roles: frozenset[str]

    def get_required_roles(self) -> Iterable[str]:
        return self.required_roles if self.request.method in permissions.SAFE_METHODS else self.write_roles

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organization, self.roles = resolve_organization(request.user, kwargs["org_slug"])
        request.organization, request.organization_roles = self.organization, self.roles
        if not roles_allow(self.roles, self.get_required_roles()):
            raise PermissionDenied(_("Your role in this organization does not allow this page."))
        return super().dispatch(request, *args, **kwargs)

    def has_role(self, *roles: str) -> bool:
        return roles_allow(self.roles, roles)

    @cached_property
    def is_manager(self) -> bool:
        """cco or admin: may run the customer work (rounds, roadmap, data), not only read it."""
        return self.has_role(*MANAGERS)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("organization", self.organization)
        kwargs.setdefault("roles", self.roles)
        kwargs.setdefault("is_manager", self.is_manager)
        return super().get_context_data(**kwargs)


class HasOrganizationRole(permissions.BasePermission):
    """Membership gives 404, the role check 403; safe methods need `read_roles`, others `write_roles`."""

    message = "Your role in this organization does not allow this request."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        view.organization, view.roles = resolve_organization(request.user, view.kwargs["org_slug"])
        request.organization, request.organization_roles = view.organization, view.roles
        return roles_allow(view.roles, view.get_required_roles())


class OrganizationScopedAPIMixin:
    """For DRF views under /api/v1/orgs/<org_slug>/: the same checks, and querysets scoped to the organization."""

    permission_classes = [HasOrganizationRole]
    read_roles: Iterable[str] = ANY_MEMBER
    # Closed unless the view names who may write (admins always may).
    write_roles: Iterable[str] = frozenset()

    organization: Organization
    roles: frozenset[str]

    def get_required_roles(self) -> Iterable[str]:
        return self.read_roles if self.request.method in permissions.SAFE_METHODS else self.write_roles

    def get_queryset(self):
        return super().get_queryset().for_organization(self.organization)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["organization"] = getattr(self, "organization", None)
        return context
