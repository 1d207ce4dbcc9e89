"""record_event: one home for writing the audit log, in the caller's transaction, with the client address."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.audit.selectors import audit_log
from cco_portal.audit.services import record_event, request_context
from cco_portal.organizations.models import Membership
from cco_portal.organizations.roles import Role
from tests.audit.helpers import only_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_event_keeps_who_did_it_after_the_account_is_deleted(organization):
    """The actor's email is kept as text: deleting the account empties the link, not the record."""
    # given
    user = UserFactory(email="gone@example.com")
    record_event(action=Action.SETTINGS_CHANGED, organization=organization, actor=user, target="activity window")

    # when
    user.delete()

    # then
    event = only_event(Action.SETTINGS_CHANGED)
    assert event.actor is None
    assert event.actor_email == "gone@example.com"
    assert event.organization == organization


def test_an_event_is_rolled_back_with_the_change_it_records(organization):
    """Written in the caller's transaction: when the change fails, no event claims it happened."""

    # given
    @transaction.atomic
    def change_that_fails():
        record_event(action=Action.SETTINGS_CHANGED, organization=organization, target="activity window")
        raise RuntimeError("the change failed")

    # when
    with pytest.raises(RuntimeError):
        change_that_fails()

    # then
    assert not AuditEvent.objects.exists()


def test_the_client_address_is_remote_addr_and_never_a_forwarded_header_by_default(organization):
    """Without a trusted proxy, X-Forwarded-For is the client's own to write and is ignored."""
    # given
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")

    # when
    record_event(action=Action.SETTINGS_CHANGED, organization=organization, request=request)

    # then
    assert only_event(Action.SETTINGS_CHANGED).ip_address == "203.0.113.7"


def test_behind_a_declared_proxy_the_address_is_the_one_the_proxy_added(organization, settings):
    """With DJANGO_TRUSTED_PROXY_COUNT=1, as for the sign-in lockout, the last X-Forwarded-For entry is the client."""
    # given
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    # when
    record_event(action=Action.SETTINGS_CHANGED, organization=organization, request=request)

    # then
    assert only_event(Action.SETTINGS_CHANGED).ip_address == "203.0.113.7"


def test_a_service_called_during_a_request_gets_the_request_address(organization):
    """Services pass no request; the address of the request being handled is lent to their events."""
    # given
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")

    # when
    with request_context(request):
        record_event(action=Action.SETTINGS_CHANGED, organization=organization)
    record_event(action=Action.SETTINGS_CHANGED, organization=organization, target="outside a request")

    # then
    inside, outside = AuditEvent.objects.order_by("pk")
    assert inside.ip_address == "203.0.113.9"
    assert outside.ip_address is None


def test_the_admin_site_shows_the_log_and_changes_nothing(client, organization):
    """The Django admin lists events read-only: no adding, changing or deleting."""
    # given
    superuser = UserFactory(is_staff=True, is_superuser=True)
    event = record_event(action=Action.SETTINGS_CHANGED, organization=organization, target="activity window")
    client.force_login(superuser)

    # when
    listing = client.get("/admin/audit/auditevent/")
    deleting = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    adding = client.get("/admin/audit/auditevent/add/")

    # then
    assert listing.status_code == 200
    assert "activity window" in listing.content.decode()
    assert deleting.status_code == 403
    assert adding.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_admin_sees_a_members_sign_ins_only_since_they_joined(organization):
    """Where and when a person signed in before they joined is none of the new organization's business: its
    log holds their sign-ins from the day they joined. (An admin once read them all, addresses included.)"""
    # given
    person = UserFactory(email="newcomer@example.com")
    before = record_event(action=Action.SIGNED_IN, actor=person, target=person.email)
    failed_before = record_event(action=Action.SIGN_IN_FAILED, target=person.email)
    AuditEvent.objects.filter(pk__in=[before.pk, failed_before.pk]).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    Membership.objects.create(organization=organization, user=person, role=Role.EXECUTIVE)
    after = record_event(action=Action.SIGNED_IN, actor=person, target=person.email)

    # when
    shown = set(audit_log(organization, kind="auth").values_list("pk", flat=True))

    # then
    assert shown == {after.pk}
