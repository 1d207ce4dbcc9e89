"""Writes of a meeting's candidate actions and its decision: each leader proposes candidates and ranks them
before the meeting, the CCO starts the meeting, and the room agrees at most N critical actions (the organization's
`customer_room_max_actions`), each with one owner and a due date, which become customer-room actions. Candidates
not chosen are kept as "not chosen" and may be proposed again at a later meeting.

Nobody changes another person's proposal or ranking: every write here takes the person acting and changes only
what is theirs. Each write is audited."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.roles import roles_allow

from .. import actions
from .models import Candidate, CandidateStatus, Meeting, Ranking
from .record import locked_meeting, refuse_unless_open
from .selectors import PROPOSERS


def _audit(meeting: Meeting, actor, change: str, **details) -> None:
    record_event(
        action=Action.MEETING_DECISION,
        organization=meeting.organization,
        actor=actor,
        target=str(meeting),
        change=change,
        **details,
    )


def _refuse_unless_undecided(meeting: Meeting) -> None:
    refuse_unless_open(meeting)
    if meeting.is_decided:
        raise ValidationError(_("The room has decided: the candidates of this meeting are settled."))


def _refuse_unless_leader(roles) -> None:
    if not roles_allow(roles, PROPOSERS):
        raise PermissionDenied(_("Leaders (leadership, executives and the CCO) propose and rank candidates."))


@transaction.atomic
def propose_candidate(
    *, meeting: Meeting, proposed_by, roles, title: str, description: str = "", carried_from: Candidate | None = None
) -> Candidate:
    """A leader's own candidate action for the meeting, proposed before the room decides."""
    _refuse_unless_leader(roles)
    meeting = locked_meeting(meeting)
    _refuse_unless_undecided(meeting)
    if not title.strip():
        raise ValidationError({"title": _("Say what the action is, in a few words.")})
    candidate = Candidate.objects.create(
        organization=meeting.organization,
        meeting=meeting,
        title=title.strip()[:200],
        description=description.strip(),
        proposed_by=proposed_by,
        carried_from=carried_from,
    )
    _audit(meeting, proposed_by, "candidate proposed", candidate=candidate.title, carried=carried_from is not None)
    return candidate


@transaction.atomic
def propose_again(*, candidate: Candidate, meeting: Meeting, proposed_by, roles) -> Candidate:
    """Carry a candidate that an earlier meeting did not choose over to `meeting`, as `proposed_by`'s proposal."""
    candidate = (
        Candidate.objects.for_organization(meeting.organization_id).select_related("meeting").get(pk=candidate.pk)
    )
    if candidate.status != CandidateStatus.NOT_CHOSEN or candidate.meeting.report_month >= meeting.report_month:
        raise ValidationError(_("Only a candidate an earlier meeting did not choose can be proposed again."))
    if (
        Candidate.objects.for_organization(meeting.organization)
        .filter(meeting=meeting, carried_from=candidate)
        .exists()
    ):
        raise ValidationError(_("This candidate is already proposed again for this meeting."))
    return propose_candidate(
        meeting=meeting,
        proposed_by=proposed_by,
        roles=roles,
        title=candidate.title,
        description=candidate.description,
        carried_from=candidate,
    )


def _own(candidate: Candidate, user) -> Candidate:
    locked = (
        Candidate.objects.select_for_update()
        .select_related("meeting__organization")
        .get(organization_id=candidate.organization_id, pk=candidate.pk)
    )
    if locked.proposed_by_id != user.pk:
        raise PermissionDenied(_("Only the person who proposed a candidate changes or withdraws it."))
    _refuse_unless_undecided(locked.meeting)
    return locked


@transaction.atomic
def change_candidate(*, candidate: Candidate, user, title: str, description: str = "") -> Candidate:
    """Change one's own candidate, before the room decides."""
    candidate = _own(candidate, user)
    if not title.strip():
        raise ValidationError({"title": _("Say what the action is, in a few words.")})
    candidate.title, candidate.description = title.strip()[:200], description.strip()
    candidate.save(update_fields=["title", "description", "updated_at"])
    _audit(candidate.meeting, user, "candidate changed", candidate=candidate.title)
    return candidate


@transaction.atomic
def withdraw_candidate(*, candidate: Candidate, user) -> None:
    """Withdraw one's own candidate, before the room decides; it leaves every ranking."""
    candidate = _own(candidate, user)
    _audit(candidate.meeting, user, "candidate withdrawn", candidate=candidate.title)
    candidate.delete()


@transaction.atomic
def rank_candidates(*, meeting: Meeting, user, roles, candidate_ids: list[int]) -> list[Ranking]:
    """Set `user`'s own ranking of the meeting's candidates, best first; the candidates left out are unranked.
    It replaces their earlier ranking and nobody else's."""
    _refuse_unless_leader(roles)
    meeting = locked_meeting(meeting)
    _refuse_unless_undecided(meeting)
    if len(set(candidate_ids)) != len(candidate_ids):
        raise ValidationError({"candidates": _("Rank each candidate once.")})
    known = set(
        Candidate.objects.for_organization(meeting.organization).filter(meeting=meeting).values_list("pk", flat=True)
    )
    if unknown := [pk for pk in candidate_ids if pk not in known]:
        raise ValidationError(
            {"candidates": _("Not a candidate of this meeting: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}}
        )
    Ranking.objects.for_organization(meeting.organization).filter(meeting=meeting, user=user).delete()
    rankings = Ranking.objects.bulk_create(
        Ranking(organization=meeting.organization, meeting=meeting, user=user, candidate_id=pk, position=position)
        for position, pk in enumerate(candidate_ids, start=1)
    )
    _audit(meeting, user, "candidates ranked", ranked=len(rankings))
    return rankings


@transaction.atomic
def start_meeting(*, meeting: Meeting, started_by) -> Meeting:
    """The CCO opens the meeting (before its time if the room is gathered): the combined ranking shows to all."""
    meeting = locked_meeting(meeting)
    _refuse_unless_undecided(meeting)
    # Once its time has come it has started by itself: started_at stays the day it was opened early, if ever.
    if not meeting.has_started:
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["started_at", "updated_at"])
        _audit(meeting, started_by, "meeting started")
    return meeting


@transaction.atomic
def record_decision(*, meeting: Meeting, decided_by, agreed: list[dict]) -> list:
    """Record the room's decision: the candidates agreed (at most the organization's customer_room_max_actions),
    each {"candidate", "owner", "due_date"}, become customer-room actions of the meeting's report month; every
    other candidate is marked not chosen. Once per meeting, once it has started. Returns the actions."""
    meeting = locked_meeting(meeting)
    _refuse_unless_undecided(meeting)
    if not meeting.has_started:
        raise ValidationError(_("The room decides in the meeting: start it first."))
    limit = meeting.organization.customer_room_max_actions
    if not agreed:
        raise ValidationError(_("Choose the candidates the room agrees."))
    if len(agreed) > limit:
        raise ValidationError(
            _("The room agrees at most %(limit)s critical actions; %(chosen)s are chosen.")
            % {"limit": limit, "chosen": len(agreed)}
        )
    candidates = {c.pk: c for c in Candidate.objects.for_organization(meeting.organization).filter(meeting=meeting)}
    chosen_ids = [choice["candidate"].pk for choice in agreed]
    if len(set(chosen_ids)) != len(chosen_ids) or any(pk not in candidates for pk in chosen_ids):
        raise ValidationError(_("Choose each agreed action once, from this meeting's candidates."))
    errors = {}
    for choice in agreed:
        if choice.get("owner") is None or not isinstance(choice.get("due_date"), date):
            errors[f"candidate {choice['candidate'].pk}"] = _("“%(title)s” needs one owner and a due date.") % {
                "title": choice["candidate"].title
            }
    if errors:
        raise ValidationError(errors)
    recorded = []
    for choice in agreed:
        candidate = candidates[choice["candidate"].pk]
        action = actions.record_action(
            organization=meeting.organization,
            month=meeting.report_month,
            title=candidate.title,
            owner=choice["owner"],
            due_date=choice["due_date"],
            created_by=decided_by,
        )
        candidate.status, candidate.action = CandidateStatus.AGREED, action
        candidate.save(update_fields=["status", "action", "updated_at"])
        recorded.append(action)
    Candidate.objects.for_organization(meeting.organization).filter(meeting=meeting).exclude(pk__in=chosen_ids).update(
        status=CandidateStatus.NOT_CHOSEN, updated_at=timezone.now()
    )
    meeting.decided_at, meeting.decided_by = timezone.now(), decided_by
    meeting.save(update_fields=["decided_at", "decided_by", "updated_at"])
    _audit(meeting, decided_by, "decision recorded", agreed=[action.title for action in recorded])
    return recorded
