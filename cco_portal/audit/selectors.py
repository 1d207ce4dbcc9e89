"""Reads of the audit log."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from cco_portal.organizations.models import Membership, Organization

from .models import AuditEvent


def audit_log(organization: Organization, *, kind: str = "", person: str = "") -> QuerySet[AuditEvent]:
    """What an admin of `organization` reads, newest first: the organization's own events, and the sign-in
    events of its current members since they joined (sign-ins belong to no organization; an admin needs to see
    the failures against a colleague's account to notice someone guessing at it, but not where a person
    signed in from before they joined).

    `kind` narrows to a kind of event ("auth") or one action; `person` to events whose actor or target
    contains that text.
    """
    members = Membership.objects.for_organization(organization)
    member_then = members.filter(created_at__lte=OuterRef("created_at")).filter(
        Q(user_id=OuterRef("actor_id")) | Q(user__email__iexact=OuterRef("target"))
    )
    sign_ins = AuditEvent.objects.sign_ins_of(
        user_ids=members.values("user_id"),
        emails=members.annotate(email=Lower("user__email")).values("email"),
    ).filter(Exists(member_then))
    events = AuditEvent.objects.for_organization(organization) | sign_ins
    if kind:
        events = events.of_kind(kind)
    if person := person.strip():
        events = events.filter(Q(actor_email__icontains=person) | Q(target__icontains=person))
    return events.select_related("actor").order_by("-created_at", "-pk")
