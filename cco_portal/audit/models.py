from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.organizations.models import Organization, OrganizationScopedQuerySet
from cco_portal.organizations.roles import Role


class Action(models.TextChoices):
    """What happened. The part before the dot is the kind of event that the log is filtered by."""

    SIGNED_IN = "auth.signed_in", "Signed in"
    SIGN_IN_FAILED = "auth.sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "auth.signed_out", "Signed out"
    LOCKED_OUT = "auth.locked_out", "Sign-in paused after repeated failures"
    API_TOKEN_REVOKED = "auth.api_token_revoked", "API token revoked"
    SIGNED_OUT_EVERYWHERE = "auth.signed_out_everywhere", "Signed out everywhere"
    SECOND_FACTOR_VERIFIED = "auth.second_factor_verified", "Second factor verified"
    SECOND_FACTOR_SET_UP = "auth.second_factor_set_up", "Second factor set up"
    RECOVERY_CODE_USED = "auth.recovery_code_used", "Recovery code used"
    SECOND_FACTOR_RESET = "auth.second_factor_reset", "Second factor reset by an admin"
    MEMBERSHIP_ADDED = "membership.added", "Member added"
    ROLE_ADDED = "membership.role_added", "Role added"
    ROLE_REMOVED = "membership.role_removed", "Role removed"
    MEMBERSHIP_REMOVED = "membership.removed", "Member removed"
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    INVITATION_WITHDRAWN = "invitation.withdrawn", "Invitation withdrawn"
    IMPORT_STARTED = "import.started", "Import started"
    IMPORT_SUCCEEDED = "import.succeeded", "Import succeeded"
    IMPORT_FAILED = "import.failed", "Import failed"
    REASON_RECORDED = "import.reason_recorded", "Reason recorded"
    EXPORT_DOWNLOADED = "export.downloaded", "Export downloaded"
    REPORT_SCHEDULE_CHANGED = "report_schedule.changed", "Report schedule changed"
    SETTINGS_CHANGED = "settings.changed", "Settings changed"
    JOURNEY_CHANGED = "journey.changed", "Journey map changed"
    EMAIL_UNDELIVERED = "email.undelivered", "Email not delivered"
    MEETING_SERIES_CHANGED = "meeting.series_changed", "Customer-room meeting series changed"
    MEETING_SCHEDULED = "meeting.scheduled", "Customer-room meeting scheduled"
    MEETING_RESCHEDULED = "meeting.rescheduled", "Customer-room meeting changed"
    MEETING_CANCELLED = "meeting.cancelled", "Customer-room meeting cancelled"
    MEETING_DECISION = "meeting.decision", "Customer-room candidates and decision"
    MEETING_RECORD = "meeting.record", "Customer-room stories, attendance and minutes"
    RELIABILITY_ISSUE_CHANGED = "reliability.issue_changed", "Reliability issue changed"
    MOMENT_OF_TRUTH_CHANGED = "reliability.moment_changed", "Moment of truth changed"
    LISTENING_CHANGED = "listening.changed", "Listening path changed"
    ROADMAP_GOAL_SET = "roadmap.goal_set", "Five-year goal set"

    @property
    def kind(self) -> str:
        return self.value.partition(".")[0]


# The kinds of event, in the order of Action, with the label the filter shows.
KINDS = {
    "auth": "Sign-in",
    "membership": "Members and roles",
    "invitation": "Invitations",
    "import": "Imports",
    "export": "Exports",
    "report_schedule": "Report schedule",
    "settings": "Settings",
    "journey": "Journey map",
    "email": "Email",
    "meeting": "Customer-room meetings",
    "reliability": "Reliability and moments of truth",
}

# Sign-in events belong to no organization: they happen before one is chosen.
SIGN_IN_ACTIONS = [action for action in Action if action.kind == "auth"]


class AuditEventQuerySet(OrganizationScopedQuerySet):
    def sign_ins_of(self, user_ids, emails):
        """Sign-in events of these people: as the signed-in actor, or as the email address that was tried
        (a failure has no actor; the address is stored lower-case in `target`)."""
        # Sign-ins belong to no organization; the caller names the people, the members of one organization.
        return (
            self.unscoped()
            .filter(organization__isnull=True, action__in=SIGN_IN_ACTIONS)
            .filter(Q(actor_id__in=user_ids) | Q(target__in=emails))
        )

    def of_kind(self, kind: str):
        """`kind` is a kind of event ("auth") or one action ("auth.sign_in_failed")."""
        if kind in KINDS:
            return self.filter(action__startswith=f"{kind}.")
        return self.filter(action=kind)


class AuditEvent(models.Model):
    """One security-relevant event: who did what, to what, when and from where. Append-only."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as text, so that the record still says who it was once the account is deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    target = models.CharField(max_length=255, blank=True, help_text=_("What the event was about, in a few words."))
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="audit_org_created"),
            # The sign-ins of an organization's members are found by the address that was tried.
            models.Index(fields=["target"], condition=Q(organization__isnull=True), name="audit_sign_in_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor_email or '-'} {self.target}"

    @property
    def readable_details(self) -> list[tuple[str, str]]:
        return readable_details(self.details)

    @property
    def kind(self) -> str:
        return self.action.partition(".")[0]


# How the log names the details that services record, for people (the CSV and the API keep the raw values too).
DETAIL_LABELS = {
    "role": _("role"),
    "roles": _("roles"),
    "role_before": _("role before"),
    "renewed": _("renewed"),
    "invitation": _("invitation"),
    "filters": _("filters"),
    "via": _("through"),
    "file": _("file"),
    "rows": _("rows"),
    "problems": _("problems"),
    "months": _("months"),
    "reason": _("reason"),
    "email": _("email"),
    "token": _("token"),
    "tokens": _("tokens ended"),
    "change": _("change"),
    "codes_left": _("recovery codes left"),
}


def readable_details(details: dict) -> list[tuple[str, str]]:
    """An event's details as a person reads them: role names, Yes and No, lists joined, empty ones left out."""
    readable = []
    for name, value in details.items():
        if value in (None, "", [], {}):
            continue
        label = str(DETAIL_LABELS.get(name, name.replace("_", " ")))
        values = value if isinstance(value, list) else [value]
        shown = []
        for item in values:
            if isinstance(item, bool):
                shown.append(str(_("Yes") if item else _("No")))
            elif name in ("role", "roles", "role_before") and item in Role.values:
                shown.append(str(Role(item).label))
            elif isinstance(item, dict):
                shown.append(", ".join(f"{key}: {val}" for key, val in item.items() if val not in (None, "")))
            else:
                shown.append(str(item))
        readable.append((label, ", ".join(shown)))
    return readable
