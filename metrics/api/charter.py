"""The customer-asset charter in the API: its versions with their signatures, a new version (cco and admin),
a leader's own decision on the open version (leadership and executives), and recording it as agreed (cco and
admin). Writes go through metrics.charter.services; refusals reach the API's one exception handler."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..charter import selectors, services
from ..charter.models import Charter, CharterSignature, Decision


class SignatureSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = CharterSignature
        fields = ["user", "user_name", "decision", "comment", "signed_at"]
        read_only_fields = fields


class CharterSerializer(serializers.ModelSerializer):
    signatures = SignatureSerializer(many=True, read_only=True)
    is_agreed = serializers.BooleanField(read_only=True)
    leaders = serializers.SerializerMethodField(
        help_text="How many leaders are asked to sign: as of its agreement, or today while it is open."
    )

    class Meta:
        model = Charter
        fields = [
            "version",
            "activity_window",
            "customer_definition",
            "value_definition",
            "segments",
            "intent",
            "proposed_at",
            "is_agreed",
            "agreed_at",
            "leaders",
            "signatures",
        ]
        read_only_fields = fields

    def get_leaders(self, charter: Charter) -> int:
        if charter.leaders_count is not None:
            return charter.leaders_count
        # An open version counts today's leaders: counted once per answer, not once per version.
        if "leaders_today" not in self.context:
            self.context["leaders_today"] = len(selectors.signers(charter.organization))
        return self.context["leaders_today"]


class CharterInputSerializer(serializers.Serializer):
    customer_definition = serializers.CharField(max_length=2000)
    value_definition = serializers.CharField(max_length=2000)
    intent = serializers.CharField(max_length=4000)


class SignatureInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CharterListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Every version of the charter, newest first; POST proposes a new one for the leaders to sign."""

    serializer_class = CharterSerializer
    read_roles = ANY_MEMBER
    write_roles = MANAGERS
    pagination_class = None

    def get_queryset(self):
        return selectors.charters(self.organization).select_related("organization")

    @extend_schema(responses=CharterSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(request=CharterInputSerializer, responses={201: CharterSerializer})
    def post(self, request, *args, **kwargs):
        data = CharterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        charter = services.propose_charter(
            organization=self.organization, proposed_by=request.user, **data.validated_data
        )
        return Response(self.get_serializer(charter).data, status=status.HTTP_201_CREATED)


class CharterVersionMixin(OrganizationScopedAPIMixin):
    serializer_class = CharterSerializer

    def charter(self) -> Charter:
        return get_object_or_404(
            selectors.charters(self.organization).select_related("organization"), version=self.kwargs["version"]
        )


class CharterSignatureView(CharterVersionMixin, generics.GenericAPIView):
    """Your own decision on the open version; you may change it until the version is agreed."""

    read_roles = selectors.SIGNERS
    write_roles = selectors.SIGNERS

    @extend_schema(
        request=SignatureInputSerializer,
        responses={200: CharterSerializer, 400: OpenApiResponse(description="Refused, with the reason.")},
    )
    def put(self, request, *args, **kwargs):
        data = SignatureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.sign_charter(
            organization=self.organization,
            version=self.charter().version,
            user=request.user,
            roles=self.roles,
            **data.validated_data,
        )
        return Response(self.get_serializer(self.charter()).data)


class CharterAgreeView(CharterVersionMixin, generics.GenericAPIView):
    """Record the open version as agreed: it is in force from now."""

    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(
        request=None,
        responses={200: CharterSerializer, 400: OpenApiResponse(description="Refused, with the reason.")},
    )
    def post(self, request, *args, **kwargs):
        services.record_charter_agreed(
            organization=self.organization, version=self.charter().version, recorded_by=request.user
        )
        return Response(self.get_serializer(self.charter()).data)
