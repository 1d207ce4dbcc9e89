"""Scoping is structural: inside a request or a task, an organization-scoped queryset that names no
organization refuses to run; outside them (commands, migrations, the shell, plain test code) it runs."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from cco_portal.organizations.admin_scoping import CrossOrganizationAdminMixin
from cco_portal.organizations.middleware import OrganizationScopingMiddleware
from cco_portal.organizations.models import Invitation, Membership
from cco_portal.organizations.querysets import (
    OrganizationScopedQuerySet,
    UnscopedQueryError,
    is_scoping_required,
    organization_scoping_required,
)
from cco_portal.organizations.roles import Role
from cco_portal.organizations.scoping import OrganizationMixin, OrganizationScopedAPIMixin
from tests.factories import InvitationFactory, MembershipFactory
from tests.organizations.worker_tasks import count_memberships_task

# Models with an `organization` field that are not read through OrganizationScopedQuerySet, and why.
NOT_SCOPED = {
    # django-simple-history's copy of each change, read only through `milestone.history`.
    "roadmap.HistoricalMilestone",
}

MESSAGE = (
    "Membership queried without an organization; call .for_organization(org), "
    "or .unscoped() where the work spans organizations"
)


def _scoped_models():
    return [model for model in apps.get_models() if _has_organization_field(model)]


def _has_organization_field(model) -> bool:
    return any(field.name == "organization" for field in model._meta.get_fields())


def test_every_model_of_an_organization_is_read_through_the_scoped_queryset():
    """Every model with an `organization` field has OrganizationScopedQuerySet behind its default manager,
    so that a new model cannot forget the guard."""
    unguarded = [
        model._meta.label
        for model in _scoped_models()
        if model._meta.label not in NOT_SCOPED
        and not isinstance(model._default_manager.all(), OrganizationScopedQuerySet)
    ]
    assert unguarded == []
    assert len(_scoped_models()) > 10, "the walk found the models"


def test_django_reads_related_rows_through_an_unguarded_base_manager():
    """Related-object access and cascading deletes use the base manager: a plain one, never guarded."""
    for model in _scoped_models():
        assert type(model._base_manager.all()) is models.QuerySet, model._meta.label


def test_every_admin_of_a_scoped_model_spans_organizations():
    """The admin reads every organization on purpose: each ModelAdmin and inline of a scoped model
    uses the one mixin that says so."""
    admins = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model._default_manager.all(), OrganizationScopedQuerySet)
    ]
    inlines = [
        (inline.model, inline)
        for _, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if isinstance(inline.model._default_manager.all(), OrganizationScopedQuerySet)
    ]
    missing = [
        model._meta.label for model, a in admins + inlines if not issubclass(_class(a), CrossOrganizationAdminMixin)
    ]
    assert missing == []
    assert admins, "the walk found the admins"
    assert inlines, "and their inlines"


def _class(admin_or_inline):
    return admin_or_inline if isinstance(admin_or_inline, type) else type(admin_or_inline)


# where scoping is required


@pytest.mark.django_db
@pytest.mark.parametrize(
    "evaluate",
    [
        pytest.param(list, id="iteration"),
        pytest.param(len, id="len"),
        pytest.param(bool, id="bool"),
        pytest.param(lambda qs: qs.get(pk=1), id="get"),
        pytest.param(lambda qs: qs.first(), id="first"),
        pytest.param(lambda qs: qs.exists(), id="exists"),
        pytest.param(lambda qs: qs.count(), id="count"),
        pytest.param(lambda qs: qs.aggregate(models.Count("pk")), id="aggregate"),
        pytest.param(lambda qs: list(qs.values_list("pk", flat=True)), id="values_list"),
        pytest.param(lambda qs: list(qs.iterator()), id="iterator"),
        pytest.param(lambda qs: qs.aiterator(), id="aiterator"),
        pytest.param(lambda qs: qs.in_bulk([1]), id="in_bulk"),
        pytest.param(lambda qs: qs.update(role="cco"), id="update"),
        pytest.param(lambda qs: qs.delete(), id="delete"),
        pytest.param(lambda qs: qs.filter(role="cco").order_by("pk")[:1].get(), id="chained"),
    ],
)
def test_an_unscoped_query_raises_where_scoping_is_required(evaluate):
    """Given scoping required, when a queryset that names no organization is evaluated in any way, then
    UnscopedQueryError says which model and what to do."""
    with organization_scoping_required(), pytest.raises(UnscopedQueryError) as raised:
        evaluate(Membership.objects.all())
    assert str(raised.value) == MESSAGE


@pytest.mark.django_db
def test_scoped_and_deliberately_unscoped_queries_run_where_scoping_is_required(organization, other_organization):
    """for_organization, a filter on the organization, the organization's related manager, a row's related
    manager and unscoped() all run; they return what they name."""
    mine = MembershipFactory(organization=organization)
    theirs = MembershipFactory(organization=other_organization)
    invitation = InvitationFactory(organization=organization)

    with organization_scoping_required():
        assert list(Membership.objects.for_organization(organization)) == [mine]
        assert list(Membership.objects.filter(organization_id=organization.pk)) == [mine]
        assert Membership.objects.filter(organization__in=[organization, other_organization]).count() == 2
        assert list(Membership.objects.filter(organization__slug=organization.slug)) == [mine]
        assert list(organization.memberships.all()) == [mine]
        assert Membership.objects.unscoped().count() == 2
        assert Membership.objects.none().count() == 0
        assert Invitation.objects.for_organization(organization).pending().get() == invitation
        assert Membership.objects.unscoped().filter(role=theirs.role).exists()


@pytest.mark.django_db
def test_the_scope_survives_chaining_but_not_a_union_with_an_unscoped_queryset(organization):
    """The flag travels through filter, order_by and values; `|` keeps it only when both sides have it."""
    MembershipFactory(organization=organization)
    scoped = Membership.objects.for_organization(organization)

    with organization_scoping_required():
        assert scoped.filter(role="cco").order_by("-pk").values("pk").count() == 0
        assert (scoped | Membership.objects.for_organization(organization)).count() == 1
        with pytest.raises(UnscopedQueryError):
            (scoped | Membership.objects.filter(role="cco")).count()
        with pytest.raises(UnscopedQueryError):
            scoped.union(Membership.objects.all()).count()
        assert (scoped & Membership.objects.filter(role="cco")).count() == 0


@pytest.mark.django_db
def test_an_exclusion_of_the_organization_does_not_scope():
    """exclude(organization=…) reads every other organization: it is no scope."""
    with organization_scoping_required(), pytest.raises(UnscopedQueryError):
        Membership.objects.exclude(organization=None).count()


@pytest.mark.django_db
def test_outside_a_request_or_task_nothing_changes(organization):
    """Commands, migrations, the shell and plain test code read without an organization, as before."""
    MembershipFactory(organization=organization)
    assert not is_scoping_required()
    assert Membership.objects.count() == 1


# the request and the task switch it on


@pytest.mark.django_db
def test_a_web_request_requires_scoping_for_its_whole_duration():
    """The middleware requires scoping while the view runs, and lifts it when the response is made."""
    seen = {}

    def view(request):
        seen["required"] = is_scoping_required()
        with pytest.raises(UnscopedQueryError):
            Membership.objects.count()
        return HttpResponse("ok")

    response = OrganizationScopingMiddleware(view)(RequestFactory().get("/"))

    assert response.status_code == 200
    assert seen == {"required": True}
    assert not is_scoping_required()


def test_the_middleware_is_installed_first_of_the_portals_own(settings):
    """Early in the chain, so that the queries of every later middleware are checked too."""
    assert settings.MIDDLEWARE.index("cco_portal.organizations.middleware.OrganizationScopingMiddleware") == 1


@pytest.mark.django_db
def test_a_task_run_in_process_requires_scoping(organization):
    """With CELERY_TASK_ALWAYS_EAGER, Celery still sends task_prerun and task_postrun: the task is refused
    an unscoped query, runs a scoped one, and leaves scoping as it found it."""
    MembershipFactory(organization=organization)

    assert count_memberships_task.delay().get() == MESSAGE
    assert count_memberships_task.delay(organization.pk).get() == "counted 1"
    assert not is_scoping_required()


@pytest.mark.django_db
def test_a_task_run_in_process_inside_a_request_leaves_the_request_scoped():
    """An eager task started by a view restores what the request had, not "off"."""
    with organization_scoping_required():
        count_memberships_task.delay()
        assert is_scoping_required()


@pytest.mark.services
def test_a_real_worker_refuses_an_unscoped_query(real_celery, organization):
    """In the worker process, the task_prerun signal requires scoping as well."""
    MembershipFactory(organization=organization)

    assert count_memberships_task.delay().get(timeout=30) == MESSAGE
    assert count_memberships_task.delay(organization.pk).get(timeout=30) == "counted 1"


def test_writing_is_closed_unless_a_view_names_who_may_write(rf, organization, member_of):
    """A page and an API view that name no write_roles refuse a POST to every member but an admin, while
    reading stays open to every member: a new form is never open to all by accident."""

    class Page(OrganizationMixin, View):
        def get(self, request, *args, **kwargs):
            return HttpResponse("read")

        def post(self, request, *args, **kwargs):
            return HttpResponse("written")

    class Endpoint(OrganizationScopedAPIMixin, APIView):
        def get(self, request, *args, **kwargs):
            return Response("read")

        def post(self, request, *args, **kwargs):
            return Response("written")

    executive, admin = member_of(Role.EXECUTIVE), member_of(Role.ADMIN)
    api = APIRequestFactory()

    def page(method, user):
        request = getattr(rf, method)("/")
        request.user = user
        return Page.as_view()(request, org_slug=organization.slug)

    def endpoint(method, user):
        request = getattr(api, method)("/")
        force_authenticate(request, user=user)
        return Endpoint.as_view()(request, org_slug=organization.slug).status_code

    assert page("get", executive).status_code == 200
    with pytest.raises(PermissionDenied):
        page("post", executive)
    assert page("post", admin).status_code == 200
    assert (endpoint("get", executive), endpoint("post", executive), endpoint("post", admin)) == (200, 403, 200)
