"""Reads of the customer-room meetings: the organization's series, its meetings (the next one first, then the
past ones), and who a meeting invites."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role

from .models import Meeting, MeetingQuerySet, MeetingSeries

# Who a meeting may invite: the leaders of PRODUCT.md, who propose, rank and decide in the customer room.
LEADER_ROLES = (Role.CCO, Role.EXECUTIVE, Role.LEADERSHIP, Role.ADMIN)


def series_of(organization: Organization) -> MeetingSeries | None:
    """The organization's meeting series, or None until the CCO or an admin sets one."""
    return MeetingSeries.objects.for_organization(organization).prefetch_related("invited").first()


def leaders(organization: Organization) -> QuerySet:
    """The active members a meeting may invite, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__organization=organization, memberships__role__in=LEADER_ROLES)
        .distinct()
        .order_by("full_name", "email")
    )


def meetings(organization: Organization) -> MeetingQuerySet:
    """Every meeting of the organization, latest first."""
    return Meeting.objects.for_organization(organization).prefetch_related("invited")


@dataclass(frozen=True)
class MeetingList:
    """The meetings page: the next meeting (the first scheduled one not yet over), the later ones, and the past
    and cancelled ones, latest first."""

    next_meeting: Meeting | None
    later: list[Meeting]
    past: list[Meeting]


def meeting_list(organization: Organization, *, now: datetime | None = None) -> MeetingList:
    now = now or timezone.now()
    upcoming, past = [], []
    for meeting in meetings(organization).order_by("starts_at", "pk"):
        if meeting.is_cancelled or meeting.ends_at <= now:
            past.append(meeting)
        else:
            upcoming.append(meeting)
    past.reverse()
    return MeetingList(next_meeting=upcoming[0] if upcoming else None, later=upcoming[1:], past=past)


def meeting_url(meeting: Meeting) -> str:
    """The absolute address of a meeting's page, for invitations that workers send (no request at hand)."""
    path = reverse("reports:meeting", kwargs={"org_slug": meeting.organization.slug, "meeting_id": meeting.pk})
    return settings.SITE_URL.rstrip("/") + path
