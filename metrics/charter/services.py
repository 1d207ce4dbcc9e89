"""Writes of the customer-asset charter: propose a version, sign it, record it as agreed.

A version is open for signatures until the CCO records it as agreed; only the newest version is open. Changing
the activity window or the charter's text makes a new version, and every earlier one keeps its signatures."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization

from .. import selectors as metric_selectors
from . import selectors
from .models import Charter, CharterSignature, Decision

TEXT_FIELDS = ("customer_definition", "value_definition", "intent")

# What a first version proposes, for the CCO to put in the leaders' own words.
FIRST_VERSION = {
    "customer_definition": gettext_lazy(
        "Anyone with revenue in the activity window: a customer is active in a month when their revenue over the "
        "window's months is above zero."
    ),
    "value_definition": gettext_lazy("Revenue as imported, refunds included, summed over the activity window."),
}


def _locked(organization: Organization) -> Organization:
    """The organization's row, locked: versions are numbered and opened one at a time."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _audit(charter: Charter, actor, change: str, **details) -> None:
    record_event(
        action=Action.SETTINGS_CHANGED,
        organization=charter.organization,
        actor=actor,
        target=f"customer-asset charter version {charter.version}",
        change=change,
        **details,
    )


@transaction.atomic
def propose_charter(
    *, organization: Organization, proposed_by, customer_definition: str, value_definition: str, intent: str
) -> Charter:
    """Open a new version for the leaders to sign, with the organization's activity window and segments as they
    are now. Refused when nothing differs from the newest version."""
    organization = _locked(organization)
    text = {
        "customer_definition": customer_definition.strip(),
        "value_definition": value_definition.strip(),
        "intent": intent.strip(),
    }
    missing = {name: _("Write this part of the charter.") for name, value in text.items() if not value}
    if missing:
        raise ValidationError(missing)
    latest = selectors.latest_charter(organization)
    segments = [segment for segment in metric_selectors.segments(organization) if segment]
    if latest is not None and _same(latest, text, organization.activity_window, segments):
        raise ValidationError(_("This is the charter's newest version already: change its text to propose another."))
    charter = _new_version(organization, latest, proposed_by=proposed_by, segments=segments, **text)
    _audit(charter, proposed_by, "charter version proposed")
    return charter


def _same(charter: Charter, text: dict, activity_window: int, segments: list[str]) -> bool:
    return (
        all(getattr(charter, name) == value for name, value in text.items())
        and charter.activity_window == activity_window
        and charter.segments == segments
    )


def _new_version(organization: Organization, latest: Charter | None, **fields) -> Charter:
    return Charter.objects.create(
        organization=organization,
        version=(latest.version + 1) if latest else 1,
        activity_window=organization.activity_window,
        **fields,
    )


@transaction.atomic
def reopen_charter_for_window(*, organization: Organization, changed_by=None) -> Charter | None:
    """After the activity window changed: a new version with the same text and the new window, for the leaders
    to sign again. None when the organization has no charter yet, or its newest version already has that window."""
    organization = _locked(organization)
    latest = selectors.latest_charter(organization)
    if latest is None or latest.activity_window == organization.activity_window:
        return None
    charter = _new_version(
        organization,
        latest,
        proposed_by=changed_by,
        segments=[segment for segment in metric_selectors.segments(organization) if segment],
        **{name: getattr(latest, name) for name in TEXT_FIELDS},
    )
    _audit(charter, changed_by, "charter reopened for a new activity window", activity_window=charter.activity_window)
    return charter


def _open_version(organization: Organization, version: int) -> Charter:
    latest = selectors.latest_charter(organization)
    if latest is None or latest.version != version:
        raise ValidationError(_("Only the newest version of the charter can be signed or agreed."))
    if latest.is_agreed:
        raise ValidationError(_("This version is already agreed: a change opens a new version."))
    return latest


@transaction.atomic
def sign_charter(
    *, organization: Organization, version: int, user, roles, decision: str, comment: str = ""
) -> CharterSignature:
    """Record `user`'s own agreement or objection to the open version; they may change it until it is agreed.
    An objection says why."""
    if not selectors.can_sign_charter(roles):
        raise PermissionDenied(_("Leadership members and executives sign the charter."))
    organization = _locked(organization)
    charter = _open_version(organization, version)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose agree or object.")})
    comment = comment.strip()
    if decision == Decision.OBJECT and not comment:
        raise ValidationError({"comment": _("Say what you object to, so the CCO can answer it.")})
    signature, _created = CharterSignature.objects.for_organization(organization).update_or_create(
        charter=charter,
        user=user,
        defaults={
            "organization": organization,
            "decision": decision,
            "comment": comment,
            "signed_at": timezone.now(),
        },
    )
    _audit(charter, user, "charter signed", decision=decision)
    return signature


@transaction.atomic
def record_charter_agreed(*, organization: Organization, version: int, recorded_by) -> Charter:
    """Put the open version in force, counting the leaders asked to sign as of now. It needs the agreement of
    at least one leader."""
    organization = _locked(organization)
    charter = _open_version(organization, version)
    summary = selectors.sign_off(organization, charter)
    if summary.agreed == 0:
        raise ValidationError(_("No leader has agreed to this version yet."))
    charter.agreed_at = timezone.now()
    charter.agreed_by = recorded_by
    charter.leaders_count = summary.leaders
    charter.save(update_fields=["agreed_at", "agreed_by", "leaders_count"])
    _audit(charter, recorded_by, "charter agreed", agreed=summary.agreed, leaders=summary.leaders)
    return charter
