"""What the reliability log and the moments of truth show of competency 4 (proactive experience reliability and
innovation), stage by stage: issues logged and a moment chosen, then issues owned, counted and improved on, then
issues resolved for good and improvement work done."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.organizations.gathered_evidence import Evidence, competency_topic

from ..models import Status
from . import selectors
from .services import first_of_month


def _last_month_begun():
    return first_of_month(first_of_month(timezone.localdate()) - timedelta(days=1))


def evidence_for(organization, topic: str) -> list[Evidence]:
    if topic != competency_topic(4):
        return []
    log = reverse("roadmap:reliability", kwargs={"org_slug": organization.slug})
    moments_url = reverse("roadmap:reliability_moments", kwargs={"org_slug": organization.slug})
    issues = list(selectors.issues(organization))
    unresolved = [issue for issue in issues if not issue.is_resolved]
    moments = list(selectors.moments(organization))
    lately = _last_month_begun()
    counted = [issue for issue in unresolved if any(o.month >= lately for o in issue.occurrences.all())]
    owned = [issue for issue in unresolved if issue.area is not None and issue.area.leader_id is not None]
    stayed_resolved = [issue for issue in issues if issue.is_resolved and not issue.recurrences]
    recurred = [issue for issue in issues if issue.recurrences]
    improved = [moment for moment in moments if moment.touchpoint.linked_milestones]
    done_work = [
        milestone
        for moment in moments
        for milestone in moment.touchpoint.linked_milestones
        if milestone.status == Status.DONE
    ]
    return [
        Evidence(
            title=_("The issues that make the experience irregular are logged at their touchpoints"),
            lines=[_("%(issues)s issues, %(open)s not resolved.") % {"issues": len(issues), "open": len(unresolved)}]
            if issues
            else [],
            url=log,
            met=any(issue.touchpoint_id for issue in issues),
            stage=2,
        ),
        Evidence(
            title=_("A moment of truth is chosen"),
            lines=[", ".join(moment.touchpoint.name for moment in moments)] if moments else [],
            url=moments_url,
            met=bool(moments),
            stage=2,
        ),
        Evidence(
            title=_("Every issue not resolved is owned by an area with a leader"),
            lines=[_("%(owned)s of %(open)s.") % {"owned": len(owned), "open": len(unresolved)}] if unresolved else [],
            url=log,
            met=bool(issues) and len(owned) == len(unresolved),
            stage=3,
        ),
        Evidence(
            title=_("Every issue not resolved was counted this month or last"),
            lines=[_("%(counted)s of %(open)s.") % {"counted": len(counted), "open": len(unresolved)}]
            if unresolved
            else [],
            url=log,
            met=bool(issues) and len(counted) == len(unresolved),
            stage=3,
        ),
        Evidence(
            title=_("Every moment of truth has improvement work on the roadmap"),
            lines=[_("%(improved)s of %(moments)s.") % {"improved": len(improved), "moments": len(moments)}]
            if moments
            else [],
            url=moments_url,
            met=bool(moments) and len(improved) == len(moments),
            stage=3,
        ),
        Evidence(
            title=_("An issue was resolved and has not come back"),
            lines=[
                _("%(stayed)s resolved for good; %(recurred)s came back after being resolved.")
                % {"stayed": len(stayed_resolved), "recurred": len(recurred)}
            ]
            if issues
            else [],
            url=log + "?status=resolved",
            met=bool(stayed_resolved),
            stage=4,
        ),
        Evidence(
            title=_("Improvement work at a moment of truth is done"),
            lines=[", ".join(milestone.title for milestone in done_work)] if done_work else [],
            url=moments_url,
            met=bool(done_work),
            stage=4,
        ),
    ]
