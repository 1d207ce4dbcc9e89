from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import selectors
from ..forms import AuditFilterForm
from ..models import KINDS, Action
from .serializers import AuditEventSerializer


@extend_schema(
    parameters=[
        OpenApiParameter(
            "kind",
            OpenApiTypes.STR,
            enum=[*KINDS, *Action.values],
            description="A kind of event (the part of an action before the dot) or one action.",
        ),
        OpenApiParameter("person", OpenApiTypes.STR, description="Part of the email address of who or whom."),
    ]
)
class AuditEventListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The organization's audit log, newest first, for its admins: its own events and its members' sign-ins."""

    serializer_class = AuditEventSerializer
    read_roles = ADMINS

    def get_queryset(self):
        # The log is the organization's events and its members' sign-ins, which belong to no organization:
        # the selector scopes it, in place of the mixin's for_organization.
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        return selectors.audit_log(self.organization, **form.filters())
