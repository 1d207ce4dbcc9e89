"""The invitation email task: in-process by default, and through Redis to a real worker in the service suite."""

import pytest
from django.db import transaction
from django.utils import timezone

from cco_portal.organizations import services
from cco_portal.organizations.models import Invitation
from cco_portal.organizations.roles import Role
from cco_portal.organizations.tasks import send_invitation_email_task
from tests.factories import InvitationFactory
from tests.organizations.emails import invitation_linked_from
from tests.services import wait_for


class Abandoned(Exception):
    """Raised by a test to roll its transaction back."""


def invite_then_abandon(**invitation) -> None:
    with transaction.atomic():
        services.invite_member(**invitation)
        raise Abandoned


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_in_process_once_the_transaction_commits(organization, admin_user, mailoutbox):
    """Inside the transaction nothing is sent; the commit sends one email and records sent_at."""
    # when
    with transaction.atomic():
        invitation = services.invite_member(
            organization=organization, email="pat@example.com", role=Role.EXECUTIVE, invited_by=admin_user
        )
        sent_inside_transaction = len(mailoutbox)

    # then
    assert sent_inside_transaction == 0
    assert [email.to for email in mailoutbox] == [["pat@example.com"]]
    assert invitation_linked_from(mailoutbox[0].body) == invitation
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.sent_at >= invitation.created_at


@pytest.mark.django_db(transaction=True)
def test_no_email_when_the_transaction_rolls_back(organization, admin_user, mailoutbox):
    """An invitation rolled back with its transaction is neither stored nor emailed."""
    # when
    with pytest.raises(Abandoned):
        invite_then_abandon(
            organization=organization, email="pat@example.com", role=Role.EXECUTIVE, invited_by=admin_user
        )

    # then
    assert mailoutbox == []
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_the_task_sends_nothing_for_a_withdrawn_invitation(organization, mailoutbox):
    """A task that runs after the invitation was withdrawn sends nothing and leaves sent_at empty."""
    # given
    invitation = InvitationFactory(organization=organization, revoked_at=timezone.now())

    # when
    send_invitation_email_task.delay(invitation.pk)

    # then
    assert mailoutbox == []
    invitation.refresh_from_db()
    assert invitation.sent_at is None


@pytest.mark.services
def test_a_real_worker_sends_the_invitation_enqueued_on_commit(real_celery, organization, admin_user):
    """invite_member commits, its on_commit puts the task on Redis, and the worker process sends the email."""
    # given
    invited_after = timezone.now()

    # when
    invitation = services.invite_member(
        organization=organization, email="worker@example.com", role=Role.CCO, invited_by=admin_user
    )

    # then
    sent_at = wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at)
    assert sent_at >= invited_after


@pytest.mark.services
def test_a_task_round_trips_through_redis_and_the_worker(real_celery, organization):
    """delay() reaches the worker, whose result comes back through the result backend."""
    # given
    invitation = InvitationFactory(organization=organization, email="roundtrip@example.com")

    # when
    result = send_invitation_email_task.delay(invitation.pk)
    returned = result.get(timeout=30)

    # then
    assert returned is None
    assert result.successful()
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


@pytest.mark.services
def test_the_worker_reads_the_committed_state_of_the_invitation(real_celery, organization):
    """The worker sees a withdrawal committed by the web process and sends nothing."""
    # given
    invitation = InvitationFactory(organization=organization, email="withdrawn@example.com")
    services.revoke_invitation(invitation=invitation)

    # when
    result = send_invitation_email_task.delay(invitation.pk)
    result.get(timeout=30)

    # then
    assert result.successful()
    invitation.refresh_from_db()
    assert invitation.sent_at is None


@pytest.mark.django_db
def test_a_line_break_in_the_organizations_name_stops_no_invitation(organization, mailoutbox):
    """The invitation goes, its subject on one line."""
    # given
    organization.name = "Acme\r\nOutfitters"
    organization.save(update_fields=["name"])
    invitation = InvitationFactory(organization=organization, email="pat@example.com")

    # when
    send_invitation_email_task.delay(invitation.pk)

    # then
    assert [email.subject for email in mailoutbox] == ["You are invited to Acme Outfitters on the CCO Portal"]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
