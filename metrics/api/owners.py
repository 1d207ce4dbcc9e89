"""The figures' owners in the API: who owns each named segment and each figure of the bridge; the CCO and admins
give and take back ownership. Writes go through metrics.owners.services."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..owners import selectors, services
from ..owners.models import FigureOwner


class FigureOwnerSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)

    class Meta:
        model = FigureOwner
        fields = ["id", "segment", "figure", "owner", "owner_name"]
        read_only_fields = fields


class FigureOwnerInputSerializer(serializers.Serializer):
    segment = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    figure = serializers.ChoiceField(
        choices=[(figure, figure) for figure in selectors.OWNED_FIGURES], required=False, allow_blank=True, default=""
    )
    owner = serializers.IntegerField(allow_null=True, help_text="An executive's user id; null takes it back.")


class FigureOwnerView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Every owned segment and figure; PUT gives one (a segment or a figure) to an executive, or takes it back."""

    serializer_class = FigureOwnerSerializer
    read_roles = ANY_MEMBER
    write_roles = MANAGERS
    pagination_class = None

    @extend_schema(responses=FigureOwnerSerializer(many=True))
    def get(self, request, *args, **kwargs):
        rows = FigureOwner.objects.for_organization(self.organization).select_related("owner")
        return Response(FigureOwnerSerializer(rows, many=True).data)

    @extend_schema(request=FigureOwnerInputSerializer, responses=FigureOwnerSerializer(many=True))
    def put(self, request, *args, **kwargs):
        data = FigureOwnerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_figure_owner(
            organization=self.organization,
            owner_id=data.validated_data["owner"],
            segment=data.validated_data["segment"],
            figure=data.validated_data["figure"],
            changed_by=request.user,
        )
        return self.get(request, *args, **kwargs)
