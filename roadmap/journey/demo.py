"""The demo organization's journey map: six stages with their touchpoints, a leader for every area, two
priorities chosen after going around the table and one still in discussion. Called by roadmap.demo."""

from cco_portal.organizations.roles import Role

from ..models import OperationalArea
from . import services
from .models import Stance, Touchpoint

# Per example stage, in order: (touchpoint, owning area).
TOUCHPOINTS = [
    [("Website and reviews", "Marketing"), ("Sales conversation", "Sales")],
    [("Quote and contract", "Sales"), ("First invoice", "Finance")],
    [("Delivery", "Operations"), ("Onboarding call", "Customer service")],
    [("Account portal", "IT"), ("Product in daily use", "Operations")],
    [("Help desk", "Customer service"), ("Returns", "Operations")],
    [("Renewal reminder", "Sales"), ("Loyalty offer", "Marketing")],
]
LEADERS = {
    "Sales": Role.EXECUTIVE,
    "Marketing": Role.LEADERSHIP,
    "Operations": Role.EXECUTIVE,
    "Customer service": Role.CCO,
    "Finance": Role.ADMIN,
    "IT": Role.LEADERSHIP,
}
# (touchpoint, experience, {role: (stance, comment)}, chosen): chosen, or None while in discussion.
PRIORITIES = [
    (
        "Delivery",
        "Every order arrives on the day promised, tracked from dispatch to the door.",
        {
            Role.EXECUTIVE: (Stance.COMMIT, ""),
            Role.LEADERSHIP: (Stance.COMMIT, ""),
            Role.CCO: (Stance.COMMIT, "Late deliveries are the first reason customers give for leaving."),
        },
        True,
    ),
    (
        "Help desk",
        "A person answers within one working day and owns the case to the end.",
        {
            Role.EXECUTIVE: (Stance.COMMIT, ""),
            Role.LEADERSHIP: (Stance.DISSENT, "Not before the two open support roles are filled."),
            Role.CCO: (Stance.COMMIT, ""),
        },
        True,
    ),
    (
        "Returns",
        "A return is collected and refunded within a week, without a phone call.",
        {
            Role.LEADERSHIP: (Stance.COMMIT, ""),
            Role.EXECUTIVE: (Stance.DISSENT, "The carrier contract is renegotiated in the autumn; not before."),
        },
        None,
    ),
]


def seed_journey(*, organization, people, areas: dict[str, OperationalArea]) -> dict[str, Touchpoint]:
    """Draw the demo's map once; returns its touchpoints by name, for milestones to point at."""
    cco = people[Role.CCO]
    touchpoints: dict[str, Touchpoint] = {}
    if Touchpoint.objects.for_organization(organization).exists():
        return {t.name: t for t in Touchpoint.objects.for_organization(organization)}
    stages = services.start_with_example_stages(organization=organization, changed_by=cco)
    for stage, entries in zip(stages, TOUCHPOINTS, strict=True):
        for name, area in entries:
            touchpoints[name] = services.add_touchpoint(
                organization=organization, stage=stage, name=name, area=areas[area], changed_by=cco
            )
    for area, role in LEADERS.items():
        services.set_area_leader(area=areas[area], leader=people[role], changed_by=cco)
    for touchpoint, experience, stances, chosen in PRIORITIES:
        priority = services.propose_priority(
            organization=organization,
            touchpoint=touchpoints[touchpoint],
            experience=experience,
            proposed_by=cco,
            roles={Role.CCO},
        )
        for role, (stance, comment) in stances.items():
            services.set_stance(
                organization=organization,
                priority=priority,
                user=people[role],
                roles={role},
                stance=stance,
                comment=comment,
            )
        if chosen is not None:
            services.decide_priority(organization=organization, priority=priority, decided_by=cco, chosen=chosen)
    return touchpoints
