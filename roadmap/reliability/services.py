"""Writes of the reliability log and the moments of truth.

An issue's status moves open → investigating → fixing → resolved (back a step while it is not resolved, or
straight to resolved). A resolved issue is never set back by a plain status change: it comes back by recurring,
either said so or by counting new occurrences in a month after it was resolved, which reopens it, adds one to its
recurrences and keeps every earlier entry of its history. Every write locks the issue's row first, so two leaders
updating it at once are recorded one after the other."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization

from ..journey.models import Touchpoint
from ..models import Milestone, OperationalArea
from ..services import update_milestone
from . import selectors
from .models import IssueEvent, IssueEventKind, IssueOccurrences, IssueStatus, MomentOfTruth, ReliabilityIssue

# Where each status may go by a plain change; a resolved issue comes back only by recurring.
TRANSITIONS = {
    IssueStatus.OPEN: {IssueStatus.INVESTIGATING, IssueStatus.FIXING, IssueStatus.RESOLVED},
    IssueStatus.INVESTIGATING: {IssueStatus.OPEN, IssueStatus.FIXING, IssueStatus.RESOLVED},
    IssueStatus.FIXING: {IssueStatus.INVESTIGATING, IssueStatus.RESOLVED},
    IssueStatus.RESOLVED: set(),
}
# What the CCO and admins may change about an issue, and the part of it that its area's leader keeps current.
ISSUE_FIELDS = frozenset({"title", "touchpoint", "area", "customers_touched", "customer_share", "root_cause"})
LEADER_FIELDS = frozenset({"customers_touched", "customer_share", "root_cause"})


def _audit(issue: ReliabilityIssue, actor, change: str, **details) -> None:
    record_event(
        action=Action.RELIABILITY_ISSUE_CHANGED,
        organization=issue.organization,
        actor=actor,
        target=f"reliability issue {issue.pk}",
        change=change,
        **details,
    )


def _check_refs(organization: Organization, *, touchpoint=None, area=None) -> None:
    errors = {}
    if touchpoint is not None and touchpoint.organization_id != organization.pk:
        errors["touchpoint"] = _("Choose a touchpoint of this organization's journey map.")
    if area is not None and area.organization_id != organization.pk:
        errors["area"] = _("Choose an operational area of this organization.")
    if errors:
        raise ValidationError(errors)


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Say in a line what goes wrong.")})
    return title


def _locked(issue: ReliabilityIssue) -> ReliabilityIssue:
    return (
        ReliabilityIssue.objects.for_organization(issue.organization)
        .select_for_update(of=("self",))
        .select_related("area", "organization")
        .get(pk=issue.pk)
    )


def _may_update(issue: ReliabilityIssue, user, roles) -> None:
    if not selectors.can_update_issue(roles, user, issue):
        raise PermissionDenied(_("The CCO, admins and the leader of the issue's area keep it up to date."))


@transaction.atomic
def report_issue(
    *,
    organization: Organization,
    title: str,
    reported_by,
    touchpoint: Touchpoint | None = None,
    area: OperationalArea | None = None,
    customers_touched: int = 0,
    customer_share=None,
    root_cause: str = "",
) -> ReliabilityIssue:
    """File an issue in the log, open. Without an area it takes the area that owns its touchpoint."""
    _check_refs(organization, touchpoint=touchpoint, area=area)
    if area is None and touchpoint is not None:
        area = touchpoint.area
    issue = ReliabilityIssue.objects.create(
        organization=organization,
        title=_clean_title(title),
        touchpoint=touchpoint,
        area=area,
        customers_touched=customers_touched,
        customer_share=customer_share,
        root_cause=root_cause.strip(),
        reported_by=reported_by,
    )
    IssueEvent.objects.create(
        organization=organization,
        issue=issue,
        kind=IssueEventKind.REPORTED,
        to_status=IssueStatus.OPEN,
        by=reported_by,
        at=issue.reported_at,
    )
    _audit(issue, reported_by, "issue reported")
    return issue


@transaction.atomic
def update_issue(*, issue: ReliabilityIssue, changed_by, roles, **changes) -> ReliabilityIssue:
    """Change an issue's details: everything for the CCO and admins; customers touched, their share and the root
    cause for the leader of its area. A change that changes nothing records nothing."""
    issue = _locked(issue)
    _may_update(issue, changed_by, roles)
    allowed = ISSUE_FIELDS if selectors.can_manage(roles) else LEADER_FIELDS
    if refused := set(changes) - allowed:
        raise ValidationError(
            _("You may not change: %(fields)s. Ask the CCO.") % {"fields": ", ".join(sorted(refused))}
        )
    _check_refs(issue.organization, touchpoint=changes.get("touchpoint"), area=changes.get("area"))
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"])
    if "root_cause" in changes:
        changes["root_cause"] = changes["root_cause"].strip()
    changed = [field for field, value in changes.items() if getattr(issue, field) != value]
    if not changed:
        return issue
    for field in changed:
        setattr(issue, field, changes[field])
    issue.save(update_fields=changed)
    IssueEvent.objects.create(
        organization=issue.organization,
        issue=issue,
        kind=IssueEventKind.EDITED,
        note=_("Changed: %(fields)s") % {"fields": ", ".join(sorted(changed))},
        by=changed_by,
    )
    _audit(issue, changed_by, "issue edited", fields=sorted(changed))
    return issue


def _move(issue: ReliabilityIssue, kind: str, to_status: str, by, note: str) -> IssueEvent:
    event = IssueEvent.objects.create(
        organization=issue.organization,
        issue=issue,
        kind=kind,
        from_status=issue.status,
        to_status=to_status,
        note=note,
        by=by,
    )
    issue.status = to_status
    fields = ["status"]
    if kind == IssueEventKind.RECURRED:
        issue.recurrences += 1
        fields.append("recurrences")
    issue.save(update_fields=fields)
    return event


@transaction.atomic
def change_status(*, issue: ReliabilityIssue, status: str, changed_by, roles, note: str = "") -> ReliabilityIssue:
    """Move an issue along open → investigating → fixing → resolved. Resolving says what fixed it; a resolved
    issue comes back only by recurring (`record_recurrence`)."""
    issue = _locked(issue)
    _may_update(issue, changed_by, roles)
    if status not in IssueStatus.values:
        raise ValidationError({"status": _("Choose open, investigating, fixing or resolved.")})
    note = note.strip()
    if status == issue.status:
        return issue
    if issue.is_resolved:
        raise ValidationError(
            {"status": _("This issue is resolved: if it came back, record that it recurred, which reopens it.")}
        )
    if status not in TRANSITIONS[IssueStatus(issue.status)]:
        raise ValidationError(
            {
                "status": _("An issue goes from %(from)s to %(to)s only by way of investigating.")
                % {"from": IssueStatus(issue.status).label, "to": IssueStatus(status).label}
            }
        )
    if status == IssueStatus.RESOLVED and not note:
        raise ValidationError({"note": _("Say what resolved it, so a recurrence can be read against it.")})
    before = issue.status
    _move(issue, IssueEventKind.STATUS, status, changed_by, note)
    _audit(issue, changed_by, "status changed", from_status=before, to_status=status)
    return issue


@transaction.atomic
def record_recurrence(*, issue: ReliabilityIssue, recorded_by, roles, note: str) -> ReliabilityIssue:
    """The resolved issue came back: reopen it, count one more recurrence, and keep its history."""
    issue = _locked(issue)
    _may_update(issue, recorded_by, roles)
    return _recur(issue, recorded_by, note.strip())


def _recur(issue: ReliabilityIssue, by, note: str) -> ReliabilityIssue:
    if not issue.is_resolved:
        raise ValidationError(
            _("Only a resolved issue recurs: this one is still %(status)s.")
            % {"status": IssueStatus(issue.status).label.lower()}
        )
    if not note:
        raise ValidationError({"note": _("Say how it came back: when, where, who saw it.")})
    _move(issue, IssueEventKind.RECURRED, IssueStatus.OPEN, by, note)
    _audit(issue, by, "issue recurred", recurrences=issue.recurrences)
    return issue


def first_of_month(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def record_occurrences(
    *, issue: ReliabilityIssue, month: date, count: int, recorded_by, roles, note: str = ""
) -> IssueOccurrences:
    """Count how many times the issue happened in `month` (any day of it); counting again replaces the month's
    count. New occurrences in a month after the issue was resolved mean it came back: the issue reopens as a
    recurrence."""
    issue = _locked(issue)
    _may_update(issue, recorded_by, roles)
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationError(
            {"month": _("Count a month that has begun: %(month)s is still to come.") % {"month": f"{month:%Y-%m}"}}
        )
    if count < 0:
        raise ValidationError({"count": _("Count zero or more occurrences.")})
    occurrences = IssueOccurrences.objects.for_organization(issue.organization)
    counted_before = occurrences.filter(issue=issue, month=month).values_list("count", flat=True).first() or 0
    counted, _created = occurrences.update_or_create(
        issue=issue,
        month=month,
        defaults={
            "organization": issue.organization,
            "count": count,
            "recorded_by": recorded_by,
            "recorded_at": timezone.now(),
        },
    )
    IssueEvent.objects.create(
        organization=issue.organization,
        issue=issue,
        kind=IssueEventKind.OCCURRENCES,
        note=_("%(count)s in %(month)s") % {"count": count, "month": f"{month:%Y-%m}"},
        by=recorded_by,
    )
    _audit(issue, recorded_by, "occurrences recorded", month=f"{month:%Y-%m}", count=count)
    # Only occurrences beyond those already counted, in the month it was resolved or later, are new: a month's
    # count made complete after the fix does not reopen it.
    if (
        issue.is_resolved
        and count > counted_before
        and month >= first_of_month(timezone.localdate(_resolved_at(issue)))
    ):
        default_note = _("%(count)s new occurrences counted in %(month)s.") % {
            "count": count - counted_before,
            "month": f"{month:%Y-%m}",
        }
        _recur(issue, recorded_by, note.strip() or default_note)
    return counted


def _resolved_at(issue: ReliabilityIssue):
    """When the issue was last resolved."""
    event = (
        IssueEvent.objects.for_organization(issue.organization)
        .filter(issue=issue, to_status=IssueStatus.RESOLVED)
        .order_by("-at", "-pk")
        .first()
    )
    return event.at if event else issue.reported_at


@transaction.atomic
def remove_issue(*, issue: ReliabilityIssue, removed_by) -> None:
    """Remove an issue filed by mistake, with its history; the audit log keeps that it was."""
    title = issue.title
    _audit(issue, removed_by, "issue removed", title=title)
    issue.delete()


# moments of truth


def _audit_moment(moment: MomentOfTruth, actor, change: str, **details) -> None:
    record_event(
        action=Action.MOMENT_OF_TRUTH_CHANGED,
        organization=moment.organization,
        actor=actor,
        target=f"moment of truth {moment.pk}",
        change=change,
        **details,
    )


def _clean_experience(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"intended_experience": _("Say what the customer should experience at this moment.")})
    return text


@transaction.atomic
def choose_moment(
    *, organization: Organization, touchpoint: Touchpoint, intended_experience: str, chosen_by
) -> MomentOfTruth:
    """Make a touchpoint a moment of truth, with the experience intended there. One moment per touchpoint."""
    _check_refs(organization, touchpoint=touchpoint)
    if MomentOfTruth.objects.for_organization(organization).filter(touchpoint=touchpoint).exists():
        raise ValidationError(
            {
                "touchpoint": _("“%(name)s” is already a moment of truth: change its experience there.")
                % {"name": touchpoint.name}
            }
        )
    moment = MomentOfTruth.objects.create(
        organization=organization,
        touchpoint=touchpoint,
        intended_experience=_clean_experience(intended_experience),
        chosen_by=chosen_by,
    )
    _audit_moment(moment, chosen_by, "moment chosen", touchpoint=touchpoint.name)
    return moment


@transaction.atomic
def update_moment(*, moment: MomentOfTruth, intended_experience: str, changed_by) -> MomentOfTruth:
    moment = MomentOfTruth.objects.for_organization(moment.organization).select_for_update().get(pk=moment.pk)
    text = _clean_experience(intended_experience)
    if text != moment.intended_experience:
        moment.intended_experience = text
        moment.save(update_fields=["intended_experience"])
        _audit_moment(moment, changed_by, "intended experience changed")
    return moment


@transaction.atomic
def remove_moment(*, moment: MomentOfTruth, removed_by) -> None:
    """The touchpoint is no longer a moment of truth; its milestones keep pointing at it."""
    _audit_moment(moment, removed_by, "moment removed", touchpoint=moment.touchpoint.name)
    moment.delete()


def link_milestone(*, moment: MomentOfTruth, milestone: Milestone, changed_by) -> Milestone:
    """Count a milestone as improvement work of the moment: it points at the moment's touchpoint, through the
    milestone's own service, so its history records the change."""
    if milestone.organization_id != moment.organization_id:
        raise ValidationError({"milestone": _("Choose a milestone of this organization.")})
    milestone = update_milestone(
        milestone=milestone,
        changed_by=changed_by,
        may_edit_all=True,
        touchpoint=moment.touchpoint,
        journey_stage=None,
    )
    _audit_moment(moment, changed_by, "milestone linked", milestone=milestone.pk)
    return milestone
