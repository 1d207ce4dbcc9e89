"""The listening path as evidence of competency 3's maturity: sources with owners suggest stage 2, every stage
heard stage 3, no silence and behavioural data stage 4; what is missing for the next stage is named."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cco_portal.organizations.roles import Role
from roadmap import selectors
from roadmap.journey.services import add_stage
from roadmap.listening import services
from roadmap.models import Competency

pytestmark = pytest.mark.django_db


def evidence(organization):
    return selectors.maturity_evidence(organization, Competency.objects.get(number=3))


def add(organization, cco_user, name, kind, stages, owner):
    source = services.add_source(
        organization=organization, added_by=cco_user, name=name, kind=kind, cadence_days=7, stages=stages, owner=owner
    )
    services.record_report(source=source, recorded_by=cco_user, roles={Role.CCO}, reported_on=timezone.localdate())
    return source


def test_an_empty_path_suggests_stage_one_and_names_the_sources_missing(organization):
    """With no source, stage 1 is suggested and the next stage lacks listed sources with owners."""
    found = evidence(organization)
    assert found.suggested_stage == 1
    assert [item.title for item in found.missing_for_next] == ["The listening sources are listed, each with an owner"]


def test_an_unheard_stage_holds_the_path_at_stage_two(organization, cco_user, executive_user):
    """Sources with owners but one stage unheard suggest stage 2, and the missing evidence names the stage."""
    buy, _use = (add_stage(organization=organization, name=name, changed_by=cco_user) for name in ("Buy", "Use"))
    add(organization, cco_user, "Checkout survey", "survey", [buy], executive_user)

    found = evidence(organization)
    assert found.suggested_stage == 2
    (missing,) = found.missing_for_next
    assert missing.lines == ["Nobody listens at: Use."]


def test_every_stage_heard_without_silence_and_with_behavioural_data_suggests_stage_four(
    organization, cco_user, executive_user
):
    """Every stage heard, nobody silent and behavioural data among the sources suggest stage 4; a source falling
    silent takes it back to stage 3."""
    buy = add_stage(organization=organization, name="Buy", changed_by=cco_user)
    add(organization, cco_user, "Checkout survey", "survey", [buy], executive_user)
    clicks = add(organization, cco_user, "Basket clicks", "behavioural", [buy], executive_user)
    assert evidence(organization).suggested_stage == 4

    clicks.reports.update(reported_on=timezone.localdate() - timedelta(days=8))
    found = evidence(organization)
    assert found.suggested_stage == 3
    assert [item.lines for item in found.missing_for_next if not item.met] == [["Silent: Basket clicks."]]
