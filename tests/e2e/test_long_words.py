"""Long words wrap: no page scrolls sideways because of a long title, description or comment, at desktop and
phone width. Screenshots: tests/artifacts/e2e-long-words-*.png."""

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Kind
from cco_portal.organizations.roles import Role
from roadmap.journey import services as journey_services
from tests.e2e.conftest import DESKTOP, PHONE
from tests.roadmap.factories import MilestoneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG = "Customer" * 250  # 2,000 characters, no space


def test_long_words_wrap_on_every_page_they_reach(organization, member_of, new_page, sign_in, live_server, screenshot):
    """A milestone whose title and description are one 2,000-character word, a readiness comment of the same, and
    a journey stage, touchpoint, priority and dissent each one word as long as it may be, keep the milestone page,
    its board, the milestones list, the results, the journey map and the priority within the screen."""
    cco = member_of(Role.CCO)
    stage = journey_services.add_stage(organization=organization, name=LONG[:80], changed_by=cco)
    touchpoint = journey_services.add_touchpoint(
        organization=organization, stage=stage, name=LONG[:120], changed_by=cco
    )
    priority = journey_services.propose_priority(
        organization=organization, touchpoint=touchpoint, experience=LONG[:300], proposed_by=cco, roles={Role.CCO}
    )
    journey_services.set_stance(
        organization=organization, priority=priority, user=cco, roles={Role.CCO}, stance="dissent", comment=LONG
    )
    milestone = MilestoneFactory(
        organization=organization, title=LONG[:200], description=LONG, owner=cco, touchpoint=touchpoint
    )
    round_ = assessment_services.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title=LONG[:200],
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        invitees=[cco],
        created_by=cco,
    )
    for question in round_.questionnaire.questions.all():
        assessment_services.record_answer(round_=round_, user=cco, question=question, choice="yes", comment=LONG)
    assessment_services.submit_response(round_=round_, user=cco)
    slug = organization.slug
    pages = {
        "milestone": f"/o/{slug}/roadmap/milestones/{milestone.pk}/",
        "board": f"/o/{slug}/roadmap/competencies/{milestone.competency.number}/",
        "milestones": f"/o/{slug}/roadmap/milestones/",
        "results": f"/o/{slug}/assessments/rounds/{round_.pk}/results/",
        "journey": f"/o/{slug}/roadmap/journey/",
        "priority": f"/o/{slug}/roadmap/journey/priorities/{priority.pk}/",
    }
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(viewport)
        sign_in(page, cco, pages["milestone"])
        for name, path in pages.items():
            page.goto(live_server.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if name in ("results", "journey", "priority"):
                screenshot(page, f"long-words-{name}-{width}")
            assert overflow <= 0, f"{name} at {width} is {overflow} px too wide"
