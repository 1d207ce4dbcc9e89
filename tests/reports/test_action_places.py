"""A customer-room action can point at the stage or touchpoint of the journey map it acts on (competency 2), on
the page, in the API and in the milestone it becomes; a place on another organization's map is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from metrics.months import month_index, month_label
from reports import actions
from roadmap.journey.services import add_stage, add_touchpoint

pytestmark = pytest.mark.django_db

THIS_MONTH = month_index(timezone.localdate())


@pytest.fixture
def help_desk(organization):
    stage = add_stage(organization=organization, name="Get help", changed_by=None)
    return add_touchpoint(organization=organization, stage=stage, name="Help desk", changed_by=None)


def test_an_action_at_a_touchpoint_carries_it_into_its_milestone(organization, cco_user, help_desk):
    action = actions.record_action(
        organization=organization, month=THIS_MONTH, title="Answer within a day", created_by=cco_user,
        touchpoint=help_desk,
    )  # fmt: skip

    milestone = actions.make_action_milestone(action=action, created_by=cco_user)

    assert (milestone.touchpoint, milestone.journey_stage) == (help_desk, None)


def test_a_place_on_another_organizations_map_or_outside_its_stage_is_refused(
    organization, other_organization, cco_user, help_desk
):
    stage = add_stage(organization=organization, name="Renew", changed_by=None)
    theirs = add_stage(organization=other_organization, name="Buy", changed_by=None)

    with pytest.raises(ValidationError) as foreign:
        actions.record_action(
            organization=organization, month=THIS_MONTH, title="x", created_by=cco_user, journey_stage=theirs
        )
    with pytest.raises(ValidationError) as elsewhere:
        actions.record_action(
            organization=organization, month=THIS_MONTH, title="x", created_by=cco_user,
            journey_stage=stage, touchpoint=help_desk,
        )  # fmt: skip

    assert foreign.value.message_dict == {"journey_stage": ["Choose a stage of this organization's journey map."]}
    assert elsewhere.value.message_dict == {
        "touchpoint": ["“Help desk” is not in the stage “Renew”: choose one or the other."]
    }


def test_the_page_and_the_api_record_and_show_the_place(client, api_client, organization, cco_user, help_desk):
    client.force_login(cco_user)
    api_client.force_authenticate(cco_user)
    page_url = reverse("reports:actions", kwargs={"org_slug": organization.slug})

    client.post(
        page_url,
        {
            "month": month_label(THIS_MONTH),
            "title": "Call back the same day",
            "touchpoint": help_desk.pk,
            "status": "open",
        },
    )
    answer = api_client.post(
        f"/api/v1/orgs/{organization.slug}/reports/actions/",
        {"month": month_label(THIS_MONTH), "title": "Staff the help desk", "journey_stage": help_desk.stage_id},
        format="json",
    )
    page = client.get(page_url).content.decode()

    assert answer.status_code == 201, answer.content
    assert (answer.json()["journey_stage"], answer.json()["touchpoint"]) == (help_desk.stage_id, None)
    assert "On the journey map: Get help · Help desk" in page
    assert "On the journey map: Get help<" in page
