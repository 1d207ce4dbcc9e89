"""The demo organization's listening path: six sources over the six example stages with a year of reports, one
source gone silent and one stage nobody listens to yet, so the gaps have something to say. Called by
roadmap.demo after the journey map."""

from datetime import timedelta

from django.utils import timezone

from cco_portal.organizations.roles import Role

from ..journey.models import JourneyStage
from . import services
from .models import MONTHLY, QUARTERLY, WEEKLY, ListeningSource, SourceKind, SourceReport

ADDED_DAYS_AGO = 330
# (name, kind, stages, owner, cadence, description, reports as days ago with a note, latest last). "Renew" has
# no source; "Onboarding call notes" last reported 40 days ago, past its monthly cadence.
SOURCES = [
    (
        "Brand and website survey",
        SourceKind.SURVEY,
        ["Choose"],
        Role.LEADERSHIP,
        QUARTERLY,
        "A short survey of visitors who did not buy: what they looked for and what stopped them.",
        [
            (300, "412 answers; price comparison the first reason to leave."),
            (208, ""),
            (117, "Delivery cost now first."),
            (25, "455 answers; delivery cost still first, reviews second."),
        ],
    ),
    (
        "Checkout abandonment",
        SourceKind.BEHAVIOURAL,
        ["Buy"],
        Role.EXECUTIVE,
        WEEKLY,
        "Baskets left at each checkout step, from the web shop's analytics.",
        [
            (53, ""),
            (46, ""),
            (39, "23% left at the delivery step."),
            (32, ""),
            (25, ""),
            (18, ""),
            (11, ""),
            (4, "18% left at the delivery step, down from 23%."),
        ],
    ),
    (
        "Onboarding call notes",
        SourceKind.OPERATIONAL,
        ["Get started"],
        Role.CCO,
        MONTHLY,
        "What new customers ask in their first call, tagged by the onboarding team.",
        [(132, ""), (101, "Setup questions halved since the new guide."), (71, ""), (40, "")],
    ),
    (
        "Help desk contacts and reasons",
        SourceKind.OPERATIONAL,
        ["Use", "Get help"],
        Role.CCO,
        WEEKLY,
        "Every contact with its reason code and time to answer.",
        [
            (37, "Answered within a day: 72%."),
            (30, ""),
            (23, ""),
            (16, ""),
            (9, ""),
            (2, "Answered within a day: 81%."),
        ],
    ),
    (
        "Returns and delivery delays",
        SourceKind.OPERATIONAL,
        ["Use", "Get help"],
        Role.EXECUTIVE,
        MONTHLY,
        "Returns by reason and orders delivered after the promised day, from the warehouse and the carrier.",
        [(104, ""), (73, "Late deliveries 6.2%."), (43, ""), (12, "Late deliveries 4.9%; returns for size 38%.")],
    ),
    (
        "Satisfaction after a case",
        SourceKind.SURVEY,
        ["Get help"],
        Role.CCO,
        MONTHLY,
        "Two questions sent when a help desk case closes.",
        [(96, "4.1 of 5."), (66, "4.0 of 5."), (35, "4.2 of 5."), (5, "4.3 of 5; 'owned my case to the end'.")],
    ),
]


def seed_listening(*, organization, people) -> None:
    """Lay out the demo's listening path once, backdated as if it had been kept for most of a year."""
    if ListeningSource.objects.for_organization(organization).exists():
        return
    cco, now = people[Role.CCO], timezone.now()
    stages = {stage.name: stage for stage in JourneyStage.objects.for_organization(organization)}
    for name, kind, stage_names, owner, cadence, description, reports in SOURCES:
        source = services.add_source(
            organization=organization,
            added_by=cco,
            name=name,
            kind=kind,
            cadence_days=cadence,
            stages=[stages[stage] for stage in stage_names if stage in stages],
            owner=people[owner],
            description=description,
        )
        ListeningSource.objects.filter(pk=source.pk).update(created_at=now - timedelta(days=ADDED_DAYS_AGO))
        for days_ago, note in reports:
            report = services.record_report(
                source=source,
                recorded_by=people[owner],
                roles={owner},
                reported_on=timezone.localdate(now - timedelta(days=days_ago)),
                note=note,
            )
            SourceReport.objects.filter(pk=report.pk).update(recorded_at=now - timedelta(days=days_ago))
