"""The assessments API: who may read and open rounds, answering as an invitee, and the shape of the results."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Choice, Invitee, Kind, Questionnaire, Response, Round
from cco_portal.organizations.models import Invitation
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory, respond
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/acme/assessments"


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def rows(response) -> list[dict]:
    """The items of a paginated list response."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)


def question_id(kind: str, number: int) -> int:
    return Questionnaire.objects.current(kind).questions.get(number=number).pk


@pytest.fixture
def readiness_round(organization, executive_user):
    """An open, named readiness round of Acme to which the executive is invited."""
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS, title="Spring readiness")
    InviteeFactory(round=round_, user=executive_user)
    return round_


@pytest.fixture
def foreign_round(other_organization):
    """A round of Globex, to try through Acme's address."""
    return RoundFactory(organization=other_organization, kind=Kind.READINESS, title="Globex readiness")


def answer_everything(client, round_, choice=Choice.YES):
    for question in round_.questionnaire.questions.all():
        response = client.post(
            f"{BASE}/rounds/{round_.pk}/my-response/", {"question": question.pk, "choice": choice}, format="json"
        )
        assert response.status_code == 200, response.content


# questionnaires


@pytest.mark.parametrize("role", list(Role))
def test_any_member_reads_the_current_questionnaires(organization, member_of, role):
    """Both current questionnaires with their choices, sections and numbered questions, for every role."""
    # when
    response = signed_in(member_of(role)).get(f"{BASE}/questionnaires/")

    # then
    assert response.status_code == 200
    by_kind = {q["kind"]: q for q in response.json()}
    assert set(by_kind) == {Kind.READINESS, Kind.COMMITMENT}
    readiness, commitment = by_kind[Kind.READINESS], by_kind[Kind.COMMITMENT]
    assert (readiness["choices"], readiness["sections"]) == (["yes", "no"], [])
    assert [q["number"] for q in readiness["questions"]] == list(range(1, 12))
    assert readiness["questions"][0]["tip"]
    assert commitment["choices"] == ["yes", "partly", "no"]
    assert [s["number"] for s in commitment["sections"]] == list(range(1, 9))
    assert [q["section"] for q in commitment["questions"]] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 7, 8, 8]


# rounds


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.LEADERSHIP])
def test_members_list_every_round_of_their_organization_only(
    organization, readiness_round, foreign_round, member_of, role
):
    """Executives and leadership see all of Acme's rounds, invited or not, and none of Globex's."""
    # given
    review = RoundFactory(organization=organization, kind=Kind.COMMITMENT, title="CEO review")

    # when
    listed = rows(signed_in(member_of(role)).get(f"{BASE}/rounds/"))

    # then
    assert {(row["id"], row["kind"], row["title"]) for row in listed} == {
        (readiness_round.pk, Kind.READINESS, "Spring readiness"),
        (review.pk, Kind.COMMITMENT, "CEO review"),
    }
    assert {row["is_invitee"] for row in listed} == {False}


def test_rounds_are_listed_newest_first_and_by_kind(organization, readiness_round, leadership_user):
    """Rounds come by closing date, the latest first; ?kind=commitment leaves the readiness rounds out."""
    # given
    later = RoundFactory(organization=organization, kind=Kind.COMMITMENT, closes_on=days_from_today(30))
    earlier = RoundFactory(
        organization=organization, kind=Kind.COMMITMENT, opens_on=days_from_today(-9), closes_on=days_from_today(-2)
    )
    client = signed_in(leadership_user)

    # when
    everything = rows(client.get(f"{BASE}/rounds/"))
    reviews = rows(client.get(f"{BASE}/rounds/", {"kind": Kind.COMMITMENT}))

    # then
    assert [row["id"] for row in everything] == [later.pk, readiness_round.pk, earlier.pk]
    assert [row["id"] for row in reviews] == [later.pk, earlier.pk]


def test_a_round_tells_the_invitee_about_their_own_response(readiness_round, executive_user):
    """The detail counts invitees and submissions and says whether the requesting user is invited and done."""
    # given
    respond(readiness_round, executive_user, "Y" * 11)
    InviteeFactory(round=readiness_round)

    # when
    response = signed_in(executive_user).get(f"{BASE}/rounds/{readiness_round.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["questionnaire_version"], body["is_open"], body["has_closed"]) == (
        Kind.READINESS,
        1,
        True,
        False,
    )
    assert (body["invited"], body["submitted"], body["is_invitee"], body["has_submitted"]) == (2, 1, True, True)


def test_another_organizations_round_is_404_through_this_one(foreign_round, admin_user):
    """An admin of Acme cannot reach a Globex round by its id: not the round, its answers or its results."""
    # given
    client = signed_in(admin_user)

    # when
    statuses = [
        client.get(f"{BASE}/rounds/{foreign_round.pk}/").status_code,
        client.get(f"{BASE}/rounds/{foreign_round.pk}/my-response/").status_code,
        client.post(f"{BASE}/rounds/{foreign_round.pk}/my-response/submit/").status_code,
        client.get(f"{BASE}/rounds/{foreign_round.pk}/results/").status_code,
    ]

    # then
    assert statuses == [404, 404, 404, 404]


def test_a_cco_opens_a_round_and_the_invitations_go_out_after_commit(
    organization, cco_user, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    """POST opens the round through the service: members by id, others by email, emails once committed."""
    # given
    ann = member_of(Role.EXECUTIVE, email="ann@example.com")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(cco_user).post(
            f"{BASE}/rounds/",
            {
                "kind": Kind.READINESS,
                "title": "Spring readiness",
                "closes_on": days_from_today(14).isoformat(),
                "invitees": [ann.pk],
                "invitee_emails": ["new@example.com"],
                "is_anonymous": True,
            },
            format="json",
        )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["title"], body["is_anonymous"], body["opens_on"]) == (
        Kind.READINESS,
        "Spring readiness",
        True,
        timezone.localdate().isoformat(),
    )
    assert (body["invited"], body["submitted"], body["is_invitee"]) == (2, 0, False)
    round_ = Round.objects.get(pk=body["id"])
    assert (round_.organization, round_.created_by) == (organization, cco_user)
    assert set(Invitee.objects.filter(round=round_).values_list("email", "user")) == {
        ("ann@example.com", ann.pk),
        ("new@example.com", None),
    }
    assert Invitation.objects.filter(organization=organization, email="new@example.com").exists()
    assert sorted(email.to[0] for email in mailoutbox if "Spring readiness" in email.subject) == [
        "ann@example.com",
        "new@example.com",
    ]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.LEADERSHIP])
def test_other_roles_cannot_open_a_round(organization, member_of, role):
    """Opening rounds is for the CCO and admins: 403 and no round."""
    # given
    person = member_of(role)

    # when
    response = signed_in(person).post(
        f"{BASE}/rounds/",
        {"kind": Kind.READINESS, "title": "Mine", "closes_on": days_from_today(7).isoformat(), "invitees": [person.pk]},
        format="json",
    )

    # then
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_opening_a_round_refuses_people_of_another_organization(
    organization, other_organization, cco_user, executive_user, member_of
):
    """Invitee and CEO ids must be members of this organization; a Globex member's id is 400 like a made-up one."""
    # given
    outsider = member_of(Role.EXECUTIVE, org=other_organization)

    # when
    response = signed_in(cco_user).post(
        f"{BASE}/rounds/",
        {
            "kind": Kind.COMMITMENT,
            "title": "CEO review",
            "closes_on": days_from_today(7).isoformat(),
            "invitees": [executive_user.pk, outsider.pk],
            "ceo": outsider.pk,
        },
        format="json",
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "invitees": [f"No member of this organization has the id {outsider.pk}."],
        "ceo": [f"No member of this organization has the id {outsider.pk}."],
    }
    assert not Round.objects.exists()


def test_opening_a_round_gives_the_services_reasons_per_field(organization, cco_user, executive_user):
    """The service's refusals come back as 400 under the fields they concern."""
    # when
    response = signed_in(cco_user).post(
        f"{BASE}/rounds/",
        {
            "kind": Kind.COMMITMENT,
            "title": "CEO review",
            "opens_on": days_from_today(-10).isoformat(),
            "closes_on": days_from_today(-1).isoformat(),
            "invitees": [executive_user.pk],
            "is_anonymous": True,
        },
        format="json",
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "closes_on": ["The closing date has passed; choose today or a later day."],
        "ceo": ["Choose the CEO whose self-view this review records."],
        "is_anonymous": ["A CEO commitment review sets the CEO's view beside the leaders'; it cannot be anonymous."],
    }
    assert not Round.objects.exists()


# my response


def test_an_invitee_reads_an_empty_response_before_answering(readiness_round, executive_user):
    """Before the first answer: nothing answered of 11, nothing submitted, and nothing written by reading."""
    # when
    response = signed_in(executive_user).get(f"{BASE}/rounds/{readiness_round.pk}/my-response/")

    # then
    assert response.status_code == 200
    assert response.json() == {
        "round": readiness_round.pk,
        "started_at": None,
        "submitted_at": None,
        "answered": 0,
        "total": 11,
        "answers": [],
    }
    assert not Response.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_members_who_are_not_invited_cannot_answer(organization, readiness_round, member_of, role):
    """Reading, answering and submitting are for invitees: 403 with the reason for any other member."""
    # given
    client = signed_in(member_of(role))
    url = f"{BASE}/rounds/{readiness_round.pk}/my-response/"

    # when
    responses = [
        client.get(url),
        client.post(url, {"question": question_id(Kind.READINESS, 1), "choice": Choice.YES}, format="json"),
        client.post(f"{url}submit/"),
    ]

    # then
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["detail"] for r in responses} == {"You are not invited to answer this round."}
    assert not Response.objects.exists()


def test_an_invitee_answers_and_changes_an_answer(readiness_round, executive_user):
    """POST records an answer and returns the progress; PUT of the same question replaces it."""
    # given
    client = signed_in(executive_user)
    url = f"{BASE}/rounds/{readiness_round.pk}/my-response/"
    first, second = question_id(Kind.READINESS, 1), question_id(Kind.READINESS, 2)

    # when
    client.post(url, {"question": first, "choice": Choice.YES}, format="json")
    client.post(url, {"question": second, "choice": Choice.YES}, format="json")
    response = client.put(url, {"question": first, "choice": Choice.NO, "comment": "Not yet."}, format="json")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["answered"], body["total"], body["submitted_at"]) == (2, 11, None)
    assert [(a["question"], a["number"], a["choice"], a["comment"]) for a in body["answers"]] == [
        (first, 1, Choice.NO, "Not yet."),
        (second, 2, Choice.YES, ""),
    ]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"choice": Choice.PARTLY}, {"detail": ["Answer Yes or No."]}),
        ({"choice": "maybe"}, {"choice": ['"maybe" is not a valid choice.']}),
        (
            {"question": "commitment", "choice": Choice.YES},
            {"detail": ["This question does not belong to this round."]},
        ),
    ],
    ids=["partly in readiness", "unknown choice", "question of another questionnaire"],
)
def test_an_invalid_answer_is_400_and_changes_nothing(readiness_round, executive_user, answer, expected):
    """Refused answers say why, and the answers stay as they were."""
    # given
    client = signed_in(executive_user)
    url = f"{BASE}/rounds/{readiness_round.pk}/my-response/"
    client.post(url, {"question": question_id(Kind.READINESS, 1), "choice": Choice.NO}, format="json")
    question = question_id(Kind.COMMITMENT, 1) if answer.get("question") else question_id(Kind.READINESS, 1)

    # when
    response = client.post(url, {**answer, "question": question}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == expected
    assert [(a["number"], a["choice"]) for a in client.get(url).json()["answers"]] == [(1, Choice.NO)]


def test_submitting_with_unanswered_questions_names_them(readiness_round, executive_user):
    """Submit before answering everything: 400 with the numbers still open; the response stays a draft."""
    # given
    client = signed_in(executive_user)
    for number in range(1, 10):
        client.post(
            f"{BASE}/rounds/{readiness_round.pk}/my-response/",
            {"question": question_id(Kind.READINESS, number), "choice": Choice.YES},
            format="json",
        )

    # when
    response = client.post(f"{BASE}/rounds/{readiness_round.pk}/my-response/submit/")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": ["Answer every question before you submit; still open: 10, 11."]}
    assert Response.objects.get(round=readiness_round, respondent=executive_user).submitted_at is None


def test_an_invitee_submits_once_and_then_nothing_changes(readiness_round, executive_user):
    """The first submit makes the answers final (200); a second submit and a later answer are refused (400)."""
    # given
    client = signed_in(executive_user)
    answer_everything(client, readiness_round)

    # when
    submitted = client.post(f"{BASE}/rounds/{readiness_round.pk}/my-response/submit/")
    again = client.post(f"{BASE}/rounds/{readiness_round.pk}/my-response/submit/")
    changed = client.post(
        f"{BASE}/rounds/{readiness_round.pk}/my-response/",
        {"question": question_id(Kind.READINESS, 1), "choice": Choice.NO},
        format="json",
    )

    # then
    assert submitted.status_code == 200
    assert submitted.json()["submitted_at"] is not None
    assert submitted.json()["answered"] == 11
    refusal = {"detail": ["You have already submitted your answers to this round; they can no longer change."]}
    assert (again.status_code, again.json()) == (400, refusal)
    assert (changed.status_code, changed.json()) == (400, refusal)
    response = Response.objects.get(round=readiness_round, respondent=executive_user)
    assert response.submitted_at.isoformat().replace("+00:00", "Z") == submitted.json()["submitted_at"]
    assert set(response.answers.values_list("choice", flat=True)) == {Choice.YES}


# results


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CCO, Role.LEADERSHIP])
def test_managers_and_leadership_read_results_at_any_time(readiness_round, member_of, role):
    """Those who lead the work read the results without answering themselves."""
    # when
    response = signed_in(member_of(role)).get(f"{BASE}/rounds/{readiness_round.pk}/results/")

    # then
    assert response.status_code == 200
    assert response.json()["kind"] == Kind.READINESS


def test_an_executive_reads_the_results_only_after_submitting(readiness_round, executive_user, member_of):
    """Before submitting: 403 with the reason; after: 200. An executive never invited stays at 403."""
    # given
    client = signed_in(executive_user)
    not_invited = signed_in(member_of(Role.EXECUTIVE))
    url = f"{BASE}/rounds/{readiness_round.pk}/results/"

    # when
    before = client.get(url)
    answer_everything(client, readiness_round)
    client.post(f"{BASE}/rounds/{readiness_round.pk}/my-response/submit/")
    after = client.get(url)
    outsider = not_invited.get(url)

    # then
    assert before.status_code == 403
    assert before.json()["detail"] == "Results are shown to executives once they have submitted their own answers."
    assert after.status_code == 200
    assert after.json()["respondents"] == 1
    assert outsider.status_code == 403


def readiness_fixture(organization, *, is_anonymous: bool):
    """Ann answers YES to everything and comments; Ben YES to the first six; Cat is invited and silent."""
    round_ = RoundFactory(organization=organization, kind=Kind.READINESS, is_anonymous=is_anonymous)
    ann = UserFactory(full_name="Ann Archer", email="ann@example.com")
    ben = UserFactory(full_name="Ben Baker", email="ben@example.com")
    respond(round_, ann, "Y" * 11, comments={7: "Budget is in place"})
    respond(round_, ben, "YYYYYYNNNNN")
    InviteeFactory(round=round_, user=UserFactory(full_name="Cat Cole", email="cat@example.com"))
    return round_


def test_readiness_results_show_figures_comments_and_who_has_not_answered(organization, leadership_user):
    """A named round: 17 YES of 22, alignment, next steps with tips, comments by name, and Cat not answered."""
    # given
    round_ = readiness_fixture(organization, is_anonymous=False)

    # when
    response = signed_in(leadership_user).get(f"{BASE}/rounds/{round_.pk}/results/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["round"], body["respondents"], body["invited"]) == (Kind.READINESS, round_.pk, 2, 3)
    assert (body["yes_answers"], body["all_answers"], body["readiness"]) == (17, 22, 17 / 22)
    assert body["alignment_counts"] == {
        "unanimous_yes": 6,
        "unanimous_no": 0,
        "split": 5,
        "only_one_answer": 0,
        "no_answers": 0,
    }
    assert [step["number"] for step in body["next_steps"]] == [7, 8, 9, 10, 11]
    assert all(step["tip"] for step in body["next_steps"])
    seventh = body["questions"][6]
    assert (seventh["number"], seventh["yes"], seventh["no"], seventh["yes_share"], seventh["alignment"]) == (
        7,
        1,
        1,
        0.5,
        "split",
    )
    assert seventh["comments"] == [{"text": "Budget is in place", "author": "Ann Archer"}]
    assert body["not_answered"] == ["Cat Cole"]
    assert (body["previous"], body["readiness_change"]) == (None, None)


def test_anonymous_results_never_name_anyone(organization, cco_user):
    """An anonymous round gives the same figures, but no name or address of anyone invited appears."""
    # given
    round_ = readiness_fixture(organization, is_anonymous=True)

    # when
    response = signed_in(cco_user).get(f"{BASE}/rounds/{round_.pk}/results/")
    detail = signed_in(cco_user).get(f"{BASE}/rounds/{round_.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["readiness"] == 17 / 22
    assert body["questions"][6]["comments"] == [{"text": "Budget is in place", "author": None}]
    assert body["not_answered"] is None
    for trace in ["Ann Archer", "Ben Baker", "Cat Cole", "ann@example.com", "ben@example.com", "cat@example.com"]:
        assert trace not in response.content.decode()
        assert trace not in detail.content.decode()


def test_commitment_results_set_the_ceo_beside_the_leaders(organization, leadership_user):
    """A review: per action and overall self-view and leaders' view, the gap order, and the trend of reviews."""
    # given an earlier review, then this one: the CEO says Yes to everything, one leader Partly, one No
    ceo = UserFactory(full_name="Chris Chief")
    earlier = RoundFactory(
        organization=organization,
        kind=Kind.COMMITMENT,
        ceo=ceo,
        opens_on=days_from_today(-40),
        closes_on=days_from_today(-30),
    )
    respond(earlier, ceo, "P" * 19)
    respond(earlier, UserFactory(), "N" * 19)
    review = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo, title="Q2 review")
    respond(review, ceo, "Y" * 19)
    respond(review, UserFactory(), "P" * 19)
    respond(review, UserFactory(), "YYNNYYYYYYYYYYYYYYY")
    InviteeFactory(round=review, user=UserFactory(full_name="Lou Late"))

    # when
    response = signed_in(leadership_user).get(f"{BASE}/rounds/{review.pk}/results/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["ceo"], body["ceo_name"], body["ceo_responded"], body["leaders_responded"]) == (
        Kind.COMMITMENT,
        ceo.pk,
        "Chris Chief",
        True,
        2,
    )
    # the leaders: Partly everywhere (9.5 of 19) and Yes but for action 2 (17 of 19) make 26.5 of 38
    # the gap in points of the whole percentages: 100% against 70%
    assert body["overall"] == pytest.approx({"self_view": 1.0, "leaders_view": 26.5 / 38, "gap": 30, "answers": 57})
    second = body["actions"][1]
    assert (second["number"], second["title"], second["scores"]) == (
        2,
        "Make the customer leadership executive an officer of the company",
        pytest.approx({"self_view": 1.0, "leaders_view": 0.25, "gap": 75, "answers": 6}),
    )
    assert [q["number"] for q in second["questions"]] == [3, 4]
    assert body["actions_by_gap"] == [2, 1, 3, 4, 5, 6, 7, 8]
    assert body["not_answered"] == ["Lou Late"]
    assert [
        (point["round"], point["scores"]["self_view"], point["scores"]["leaders_view"]) for point in body["trend"]
    ] == [
        (earlier.pk, 0.5, 0.0),
        (review.pk, 1.0, pytest.approx(26.5 / 38)),
    ]


def test_anonymous_requests_get_401(readiness_round):
    """Without credentials every assessments endpoint answers 401."""
    # given
    client = APIClient()

    # when
    statuses = {
        client.get(f"{BASE}/questionnaires/").status_code,
        client.get(f"{BASE}/rounds/").status_code,
        client.get(f"{BASE}/rounds/{readiness_round.pk}/my-response/").status_code,
        client.get(f"{BASE}/rounds/{readiness_round.pk}/results/").status_code,
    }

    # then
    assert statuses == {401}


def test_the_schema_describes_the_assessment_endpoints(client):
    """The OpenAPI schema lists every assessments path, and the results as one of two shapes by kind."""
    # when
    schema = client.get("/api/schema/", {"format": "json"}).json()

    # then
    prefix = "/api/v1/orgs/{org_slug}/assessments"
    assert {
        f"{prefix}/questionnaires/",
        f"{prefix}/rounds/",
        f"{prefix}/rounds/{{round_id}}/",
        f"{prefix}/rounds/{{round_id}}/my-response/",
        f"{prefix}/rounds/{{round_id}}/my-response/submit/",
        f"{prefix}/rounds/{{round_id}}/results/",
    } <= set(schema["paths"])
    assert schema["components"]["schemas"]["RoundResults"]["discriminator"]["propertyName"] == "kind"
