"""Writes of the organization base: organizations, memberships and invitations."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.emails import send_email

from .models import Invitation, Membership, Organization, default_invitation_expiry
from .roles import Role

User = get_user_model()

INVITATION_SALT = "cco_portal.invitation"


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why and what to do."""


@transaction.atomic
def create_organization(*, name: str, slug: str, admin=None) -> Organization:
    """Create an organization; `admin`, when given, becomes its first admin."""
    organization = Organization(name=name, slug=slug)
    organization.full_clean()
    organization.save()
    if admin is not None:
        add_member(organization=organization, user=admin, role=Role.ADMIN)
    return organization


# How each setting is named in the audit log, as the activity window is named there.
AUDITED_SETTINGS = {
    "name": "name",
    "report_to_executives": "monthly report to executives",
    "customer_room_max_actions": "critical actions per customer room",
    "second_factor_required_for": "second factor required for",
}


@transaction.atomic
def change_organization_settings(
    *,
    organization: Organization,
    acting_user,
    name: str | None = None,
    report_to_executives: bool | None = None,
    customer_room_max_actions: int | None = None,
    second_factor_required_for: str | None = None,
) -> Organization:
    """Change the settings admins keep on the settings page and the API (None leaves one as it is); each
    setting that changes is recorded in the audit log with its old and new value, as done by `acting_user`.
    Returns `organization` with the new values."""
    # Compared with the stored row, locked: a form has already put the new values on the instance it was given,
    # and two admins saving at once each record the change they really made.
    stored = Organization.objects.select_for_update().get(pk=organization.pk)
    wanted = {
        "name": name,
        "report_to_executives": report_to_executives,
        "customer_room_max_actions": customer_room_max_actions,
        "second_factor_required_for": second_factor_required_for,
    }
    changed = [field for field, value in wanted.items() if value is not None and value != getattr(stored, field)]
    for field in changed:
        record_event(
            action=Action.SETTINGS_CHANGED,
            organization=stored,
            actor=acting_user,
            target=AUDITED_SETTINGS[field],
            old=getattr(stored, field),
            new=wanted[field],
        )
        setattr(stored, field, wanted[field])
    if changed:
        stored.full_clean(validate_unique=False, validate_constraints=False)
        stored.save(update_fields=changed)
    for field in AUDITED_SETTINGS:
        setattr(organization, field, getattr(stored, field))
    return organization


@transaction.atomic
def add_member(*, organization: Organization, user, role: str, acting_user=None, **audit_details) -> Membership:
    """Grant `role` in `organization` to `user`; granting a role already held changes nothing.

    Recorded in the audit log as a new member or a new role of a member, done by `acting_user`.
    """
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)r; choose one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )
    was_member = Membership.objects.filter(organization=organization, user=user).exists()
    membership, created = Membership.objects.get_or_create(organization=organization, user=user, role=role)
    if created:
        record_event(
            action=Action.ROLE_ADDED if was_member else Action.MEMBERSHIP_ADDED,
            organization=organization,
            actor=acting_user,
            target=user.email,
            role=role,
            **audit_details,
        )
    return membership


NOT_A_MEMBER = _(
    "Nobody of this organization uses this email address. Roles are granted to members only: invite the "
    "person, who joins by accepting."
)


@transaction.atomic
def grant_role(*, organization: Organization, email: str, role: str, acting_user) -> Membership:
    """Give a member of `organization` one more role. Only an accepted invitation makes someone a member, so
    an address of anyone else is refused with the same words whether or not it has an account: an outsider
    learns nothing of who uses the portal."""
    membership = (
        Membership.objects.for_organization(organization)
        .filter(user__email__iexact=email.strip())
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"email": NOT_A_MEMBER})
    return add_member(organization=organization, user=membership.user, role=role, acting_user=acting_user)


def _lock_memberships(organization: Organization) -> None:
    """Take roles away one change at a time per organization: two admins removing each other at the same
    moment would each still see the other and leave the organization with none."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


def _ensure_an_admin_remains(organization: Organization) -> None:
    if not Membership.objects.filter(organization=organization, role=Role.ADMIN).exists():
        raise ValidationError(_("An organization needs at least one admin: make someone else admin first."))


@transaction.atomic
def set_member_roles(*, organization: Organization, user, roles: Iterable[str], acting_user=None) -> None:
    """Make `roles` exactly the roles `user` holds in `organization`; the last admin cannot be demoted."""
    roles = set(roles)
    if not roles:
        raise ValidationError(_("Choose at least one role, or remove the member instead."))
    _lock_memberships(organization)
    # Roles are granted before others are taken, so that a member whose roles all change stays a member.
    for role in sorted(roles):
        add_member(organization=organization, user=user, role=role, acting_user=acting_user)
    taken = Membership.objects.filter(organization=organization, user=user).exclude(role__in=roles)
    for role in sorted(taken.values_list("role", flat=True)):
        record_event(
            action=Action.ROLE_REMOVED, organization=organization, actor=acting_user, target=user.email, role=role
        )
    taken.delete()
    _ensure_an_admin_remains(organization)


@transaction.atomic
def remove_member(*, organization: Organization, user, acting_user=None) -> None:
    """Take every role of `user` in `organization`; the last admin cannot be removed."""
    _lock_memberships(organization)
    memberships = Membership.objects.filter(organization=organization, user=user)
    roles = sorted(memberships.values_list("role", flat=True))
    if roles:
        record_event(
            action=Action.MEMBERSHIP_REMOVED,
            organization=organization,
            actor=acting_user,
            target=user.email,
            roles=roles,
        )
    memberships.delete()
    _ensure_an_admin_remains(organization)


@transaction.atomic
def remove_membership(*, membership: Membership, acting_user=None) -> None:
    """Take one role away; the last admin cannot lose the admin role. Taking a member's only role removes
    the member."""
    organization, user = membership.organization, membership.user
    _lock_memberships(organization)
    membership.delete()
    _ensure_an_admin_remains(organization)
    is_still_member = Membership.objects.filter(organization=organization, user=user).exists()
    record_event(
        action=Action.ROLE_REMOVED if is_still_member else Action.MEMBERSHIP_REMOVED,
        organization=organization,
        actor=acting_user,
        target=user.email,
        **({"role": membership.role} if is_still_member else {"roles": [membership.role]}),
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("accept_invitation", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def invite_member(*, organization: Organization, email: str, role: str, invited_by) -> Invitation:
    """Invite `email` to join with `role`; the email is sent by a worker once the invitation is committed.

    An address has at most one open invitation per organization: inviting it again renews that one, with the
    role now asked for. A member is not invited (the email would ask them to join what they belong to): they
    are given roles on the Members page.
    """
    from .tasks import send_invitation_email_task

    email = User.objects.normalize_email(email).lower()
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)r; choose one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )
    # One invitation change at a time per organization: two admins inviting one address at once would each
    # find no open invitation, and the second would break the one-per-address constraint.
    _lock_memberships(organization)
    held = Membership.objects.filter(organization=organization, user__email__iexact=email)
    if held.filter(role=role).exists():
        raise ValidationError(
            gettext("%(email)s already holds the role %(role)s here.") % {"email": email, "role": Role(role).label}
        )
    if held.exists():
        raise ValidationError(
            gettext(
                "%(email)s is a member already: give the role %(role)s on the Members page (Roles) instead of "
                "inviting them to join."
            )
            % {"email": email, "role": Role(role).label}
        )
    invitation = (
        Invitation.objects.for_organization(organization)
        .select_for_update()
        .filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    renewed = invitation is not None
    changes = {}
    if invitation is None:
        invitation = Invitation.objects.create(organization=organization, email=email, role=role, invited_by=invited_by)
    else:
        if invitation.role != role:
            changes = {"role_before": invitation.role}
        invitation.role, invitation.expires_at, invitation.invited_by = role, default_invitation_expiry(), invited_by
        invitation.save(update_fields=["role", "expires_at", "invited_by"])
    record_event(
        action=Action.INVITATION_SENT,
        organization=organization,
        actor=invited_by,
        target=email,
        role=role,
        invitation=invitation.pk,
        renewed=renewed,
        **changes,
    )
    transaction.on_commit(lambda: send_invitation_email_task.delay(invitation.pk))
    return invitation


def send_invitation_email(*, invitation: Invitation) -> None:
    """Email the invitation link; records when it was sent."""
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    send_email(
        to=invitation.email,
        subject=f"You are invited to {invitation.organization.name} on the CCO Portal",
        body=render_to_string("organizations/email/invitation.txt", context),
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, acting_user=None) -> None:
    """Withdraw a pending invitation; its link stops working."""
    if invitation.is_accepted:
        raise ValidationError(_("This invitation was already accepted; change the member's roles instead."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        action=Action.INVITATION_WITHDRAWN,
        organization=invitation.organization,
        actor=acting_user,
        target=invitation.email,
        role=invitation.role,
        invitation=invitation.pk,
    )


def get_invitation_for_token(token: str) -> Invitation:
    """The usable invitation behind a link, or InvitationError saying why it cannot be used."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT)
        # The signed link names the invitation; its organization is learnt from the row.
        invitation = Invitation.objects.unscoped().select_related("organization").get(pk=pk)
    except (signing.BadSignature, Invitation.DoesNotExist):
        raise InvitationError("This invitation link is not valid. Check that you copied the whole link.") from None
    if invitation.is_accepted:
        raise InvitationError("This invitation has already been used. Sign in with the account it created.")
    if invitation.is_revoked:
        raise InvitationError("This invitation was withdrawn. Ask an admin of the organization for a new one.")
    if invitation.is_expired:
        raise InvitationError("This invitation has expired. Ask an admin of the organization to send a new one.")
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user=None, full_name: str = "", password: str = ""):
    """Join the organization: as `user` when signed in, otherwise as a new account for the invited email.

    The invitation row is locked so that the same link used twice at once still makes one account.
    """
    invitation = Invitation.objects.select_for_update().get(
        organization_id=invitation.organization_id, pk=invitation.pk
    )
    if not invitation.is_pending:
        raise InvitationError("This invitation has already been used, withdrawn, or has expired.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError("An account with this email already exists: sign in to accept the invitation.")
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation is for {invitation.email}; sign out and open the link again, or ask for a new one."
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        action=Action.INVITATION_ACCEPTED,
        organization=invitation.organization,
        actor=user,
        target=invitation.email,
        role=invitation.role,
        invitation=invitation.pk,
    )
    add_member(
        organization=invitation.organization,
        user=user,
        role=invitation.role,
        acting_user=user,
        invitation=invitation.pk,
    )
    return user
