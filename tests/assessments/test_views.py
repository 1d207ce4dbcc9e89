"""The assessment pages through Django's test client: opening rounds, answering, resuming, the rules
that refuse answers, and who sees which results.

Who may open which page at all is the access matrix's business (tests/test_access_matrix.py); these
tests follow one person through a page and check what it shows and what it changes.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Answer, Choice, Invitee, Kind, Response, Round
from cco_portal.csv_export import csv_response, neutralize
from cco_portal.organizations.roles import Role
from tests.assessments.factories import InviteeFactory, RoundFactory, respond
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ALL_YES = "Y" * 11


def url(name: str, round_: Round | None = None, **query) -> str:
    kwargs = {"org_slug": round_.organization.slug, "round_id": round_.pk} if round_ else {}
    path = reverse(f"assessments:{name}", kwargs=kwargs)
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def index_url(organization) -> str:
    return reverse("assessments:index", kwargs={"org_slug": organization.slug})


@pytest.fixture
def executive(member_of):
    return member_of(Role.EXECUTIVE, full_name="Emery Executive")


@pytest.fixture
def readiness_round(organization, executive):
    """An open readiness round of `organization` to which `executive` is invited."""
    round_ = RoundFactory(organization=organization, title="Readiness, spring")
    InviteeFactory(round=round_, user=executive)
    return round_


def closed_round(organization, **fields) -> Round:
    today = timezone.localdate()
    return RoundFactory(
        organization=organization, opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1), **fields
    )


def answer_form(**answers) -> dict:
    """Form data answering questions by number: answer_form(q1="yes", q1_comment="…")."""
    data = {}
    for key, value in answers.items():
        number, _, field = key[1:].partition("_")
        data[f"q{number}-{field or 'choice'}"] = value
    return data


def saved_answers(round_: Round, user) -> dict[int, tuple[str, str]]:
    return {
        answer.question.number: (answer.choice, answer.comment)
        for answer in Answer.objects.filter(response__round=round_, response__respondent=user).select_related(
            "question"
        )
    }


# Opening rounds


def test_cco_opens_a_readiness_round_and_the_invitees_get_an_email(
    client, organization, cco_user, executive, django_capture_on_commit_callbacks
):
    """Given a CCO, when they open a round for a member and an outside address, then both are invited by email."""
    client.force_login(cco_user)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:open_round", kwargs={"org_slug": organization.slug, "kind": "readiness"}),
            {
                "title": "Readiness, spring",
                "opens_on": today.isoformat(),
                "closes_on": (today + timedelta(days=14)).isoformat(),
                "invitees": [executive.pk],
                "invitee_emails": "Newcomer@Example.com\n\n",
                "is_anonymous": "on",
            },
            follow=True,
        )

    round_ = Round.objects.for_organization(organization).get()
    assert round_.is_anonymous
    assert round_.kind == Kind.READINESS
    assert set(round_.invitees.values_list("email", flat=True)) == {executive.email, "newcomer@example.com"}
    assert response.redirect_chain[-1][0] == index_url(organization)
    assert "“Readiness, spring” is ready. 2 invitations are on the way by email." in response.content.decode()
    round_invitations = [m for m in mail.outbox if "Readiness, spring" in m.subject]
    assert sorted(m.to[0] for m in round_invitations) == sorted([executive.email, "newcomer@example.com"])


def test_open_round_form_names_every_address_that_is_not_one(client, organization, cco_user, executive):
    """Given extra emails with two bad lines, when the form is sent, then both are named and nothing is opened."""
    client.force_login(cco_user)
    today = timezone.localdate()

    response = client.post(
        reverse("assessments:open_round", kwargs={"org_slug": organization.slug, "kind": "readiness"}),
        {
            "title": "Readiness",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "invitees": [executive.pk],
            "invitee_emails": "good@example.com\nnot-an-address\nbob@",
        },
    )

    assert response.status_code == 200
    assert "Not an email address: not-an-address, bob@." in response.content.decode()
    assert not Round.objects.exists()


def test_open_round_shows_the_services_refusal_on_its_field(client, organization, cco_user, executive):
    """Given a round that would close before it opens, when sent, then the service's reason sits on that field."""
    client.force_login(cco_user)
    today = timezone.localdate()

    response = client.post(
        reverse("assessments:open_round", kwargs={"org_slug": organization.slug, "kind": "readiness"}),
        {
            "title": "Readiness",
            "opens_on": today.isoformat(),
            "closes_on": (today - timedelta(days=1)).isoformat(),
            "invitees": [executive.pk],
        },
    )

    assert response.context["form"].errors == {"closes_on": ["The closing date must be on or after the opening date."]}
    assert not Round.objects.exists()


def test_ceo_review_form_asks_for_the_ceo_and_is_never_anonymous(client, organization, cco_user):
    """Given the CEO review form, it has a CEO field and no anonymous option; without a CEO it is refused."""
    client.force_login(cco_user)
    form_url = reverse("assessments:open_round", kwargs={"org_slug": organization.slug, "kind": "commitment"})
    today = timezone.localdate()

    response = client.post(form_url, {"title": "CEO review", "opens_on": today, "closes_on": today})

    form = response.context["form"]
    assert "is_anonymous" not in form.fields
    assert form.errors["ceo"] == ["This field is required."]
    assert not Round.objects.exists()


def test_unknown_kind_of_round_is_not_found(client, organization, cco_user):
    """Given a kind that does not exist, when its form is asked for, then the answer is 404."""
    client.force_login(cco_user)

    response = client.get(reverse("assessments:open_round", kwargs={"org_slug": organization.slug, "kind": "poll"}))

    assert response.status_code == 404


def test_round_of_another_organization_is_not_found(client, organization, other_organization, cco_user):
    """Given a round of Globex, when Acme's CCO puts its id under Acme's address, then the answer is 404."""
    foreign = RoundFactory(organization=other_organization)
    client.force_login(cco_user)

    response = client.get(
        reverse("assessments:results", kwargs={"org_slug": organization.slug, "round_id": foreign.pk})
    )

    assert response.status_code == 404


# The survey


def test_invitation_link_leads_an_invitee_to_the_survey_and_later_to_the_results(client, readiness_round, executive):
    """Given an invitee, the round's link opens the survey until they submit, and the results afterwards."""
    client.force_login(executive)
    assert client.get(readiness_round.get_absolute_url())["Location"] == url("answer", readiness_round)

    respond(readiness_round, executive, ALL_YES)

    assert client.get(readiness_round.get_absolute_url())["Location"] == url("results", readiness_round)


def test_survey_shows_one_question_with_its_choices_tip_and_progress(client, readiness_round, executive):
    """Given a new invitee, the survey opens on question 1: a fieldset with a legend, Yes/No, a tip, the progress."""
    client.force_login(executive)

    response = client.get(url("answer", readiness_round))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") == 1
    assert "<legend>" in html
    assert "Question 1 of 11" in html
    assert 'type="radio" name="q1-choice" value="yes"' in html
    assert 'type="radio" name="q1-choice" value="no"' in html
    assert 'value="partly"' not in html
    assert "<summary>Implementation tip</summary>" in html
    assert 'for="id_q1-comment"' in html
    assert "of 11 answered" in html
    # The first visit starts the response, so whatever follows is kept.
    assert Response.objects.filter(round=readiness_round, respondent=executive, submitted_at=None).exists()


def test_answer_is_saved_and_the_next_question_follows(client, readiness_round, executive):
    """Given question 1, when the invitee answers No with a comment, then it is saved and question 2 follows."""
    client.force_login(executive)

    response = client.post(
        url("answer", readiness_round),
        {"mode": "one", "q": "1", "go": "next", **answer_form(q1="no", q1_comment="  Nobody owns it.  ")},
        follow=True,
    )

    assert saved_answers(readiness_round, executive) == {1: (Choice.NO, "Nobody owns it.")}
    assert response.redirect_chain[-1][0] == url("answer", readiness_round, mode="one", q=2)
    assert "Your answer to question 1 is saved." in response.content.decode()
    assert "Question 2 of 11" in response.content.decode()


def test_invitee_resumes_at_the_first_unanswered_question(client, readiness_round, executive):
    """Given four answers saved in an earlier visit, when the survey is opened again, then question 5 is shown."""
    for number in range(1, 5):
        question = readiness_round.questionnaire.questions.get(number=number)
        services.record_answer(round_=readiness_round, user=executive, question=question, choice="yes")
    client.force_login(executive)

    response = client.get(url("answer", readiness_round))

    html = response.content.decode()
    assert "Question 5 of 11" in html
    assert '<strong id="survey-answered">4</strong> of 11 answered' in html


def test_all_questions_on_one_page_is_remembered_for_the_session(client, readiness_round, executive):
    """Given the choice of all questions on one page, when the survey is opened again, then it keeps that view."""
    client.force_login(executive)
    client.get(url("answer", readiness_round, mode="all"))

    response = client.get(url("answer", readiness_round))

    assert response.content.decode().count("<fieldset") == 11


def test_answers_of_a_whole_page_are_saved_together(client, readiness_round, executive):
    """Given all questions on one page, when three are answered and saved, then the three are saved."""
    client.force_login(executive)

    response = client.post(
        url("answer", readiness_round),
        {"mode": "all", "go": "stay", **answer_form(q1="yes", q2="no", q11="yes", q11_comment="Bonuses too.")},
        follow=True,
    )

    assert saved_answers(readiness_round, executive) == {
        1: (Choice.YES, ""),
        2: (Choice.NO, ""),
        11: (Choice.YES, "Bonuses too."),
    }
    assert "3 answers saved." in response.content.decode()


def test_comment_without_an_answer_is_shown_back_with_the_reason(client, readiness_round, executive):
    """Given a comment but no choice, when saved, then the page says to answer first and keeps the comment."""
    client.force_login(executive)

    response = client.post(
        url("answer", readiness_round), {"mode": "one", "q": "3", "go": "next", **answer_form(q3_comment="Hmm")}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Answer Yes or No to save your comment." in html
    assert "Hmm</textarea>" in html
    assert saved_answers(readiness_round, executive) == {}


def test_answer_to_a_question_of_another_round_is_refused_and_nothing_is_saved(client, readiness_round, executive):
    """Given answers to question 1 and to question 15 (a CEO review's), when sent, then nothing at all is saved."""
    client.force_login(executive)

    response = client.post(
        url("answer", readiness_round),
        {"mode": "all", "go": "stay", **answer_form(q1="yes", q15="partly")},
        follow=True,
    )

    assert "Question 15 is not part of “Readiness, spring”; nothing was saved." in response.content.decode()
    assert saved_answers(readiness_round, executive) == {}


def test_member_who_is_not_invited_cannot_answer(client, readiness_round, member_of):
    """Given an executive who is not invited, the survey says so (403) and an answer sent anyway is not saved."""
    outsider = member_of(Role.EXECUTIVE)
    client.force_login(outsider)

    page = client.get(url("answer", readiness_round))
    post = client.post(url("answer", readiness_round), {"mode": "one", "q": "1", **answer_form(q1="yes")})

    assert page.status_code == post.status_code == 403
    assert "You are not invited to answer this round" in page.content.decode()
    assert not Response.objects.filter(respondent=outsider).exists()


def test_round_that_has_not_opened_says_when_it_opens(client, organization, executive):
    """Given a round that opens next week, when an invitee opens the survey, then it says when and starts nothing."""
    next_week = timezone.localdate() + timedelta(days=7)
    round_ = RoundFactory(organization=organization, opens_on=next_week)
    InviteeFactory(round=round_, user=executive)
    client.force_login(executive)

    response = client.get(url("answer", round_))

    assert "This round has not opened yet" in response.content.decode()
    assert f"opens on {next_week.day} " in response.content.decode()
    assert not Response.objects.filter(round=round_).exists()


def autosave(client, round_, number: int, choice: str, comment: str = ""):
    """What survey.js sends when a choice is made: the answer as JSON to the page's data-autosave address, the
    API's my-response endpoint, with the page's CSRF token."""
    page = client.get(url("answer", round_, mode="all")).content.decode()
    address = re.search(r'data-autosave="([^"]+)"', page).group(1)
    question = round_.questionnaire.questions.get(number=number)
    return client.post(
        address,
        {"question": question.pk, "choice": choice, "comment": comment},
        content_type="application/json",
        headers={"Accept": "application/json", "X-CSRFToken": client.cookies["csrftoken"].value},
    )


def test_autosave_answers_through_the_api(readiness_round, executive):
    """Given survey.js saving a choice, the answer is saved through the API and the new progress comes back."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(executive)

    response = autosave(client, readiness_round, 2, "no")

    assert response.status_code == 200
    assert (response.json()["answered"], response.json()["total"]) == (1, 11)
    assert saved_answers(readiness_round, executive) == {2: (Choice.NO, "")}


def test_choice_alone_keeps_the_saved_comment(client, readiness_round, executive):
    """Given an answer with a comment, when only a new choice is posted, then the comment stays."""
    question = readiness_round.questionnaire.questions.get(number=4)
    services.record_answer(round_=readiness_round, user=executive, question=question, choice="yes", comment="Why")
    client.force_login(executive)

    client.post(url("answer", readiness_round), {"mode": "all", **answer_form(q4="no")})

    assert saved_answers(readiness_round, executive) == {4: (Choice.NO, "Why")}


def test_autosave_of_one_question_leaves_the_others_alone(client, readiness_round, executive):
    """Given question 6 answered with a comment, when question 7 alone is saved, then both answers stand."""
    question = readiness_round.questionnaire.questions.get(number=6)
    services.record_answer(round_=readiness_round, user=executive, question=question, choice="no", comment="Budget")
    client.force_login(executive)

    response = autosave(client, readiness_round, 7, "yes")

    assert response.json()["answered"] == 2
    assert saved_answers(readiness_round, executive) == {6: (Choice.NO, "Budget"), 7: (Choice.YES, "")}


# Review and submit


def test_review_marks_missing_answers_and_refuses_to_submit_them(client, readiness_round, executive):
    """Given nine answers of eleven, the review lists the two missing, and submitting says which are still open."""
    response = respond(readiness_round, executive, ALL_YES, submitted=False)
    response.answers.filter(question__number__in=[3, 7]).delete()
    client.force_login(executive)

    review = client.get(url("review", readiness_round))
    submit = client.post(url("review", readiness_round), follow=True)

    html = review.content.decode()
    assert "2 questions still need an answer before you can submit" in html
    assert html.count("is-missing") == 2
    assert "Answer every question before you submit; still open: 3, 7." in submit.content.decode()
    response.refresh_from_db()
    assert not response.is_submitted


def test_submitting_makes_the_answers_final_and_opens_the_results(client, readiness_round, executive):
    """Given every question answered, when the invitee submits, then the response is final and the results open."""
    respond(readiness_round, executive, "YYNYYNYYYYY", submitted=False)
    client.force_login(executive)

    response = client.post(url("review", readiness_round), follow=True)

    assert response.redirect_chain[-1][0] == url("results", readiness_round)
    assert response.status_code == 200
    assert "Thank you. Your answers to “Readiness, spring” are submitted." in response.content.decode()
    assert Response.objects.get(round=readiness_round, respondent=executive).is_submitted


def test_after_submitting_the_answers_are_read_only_and_a_change_is_refused(client, readiness_round, executive):
    """Given a submitted response, the survey shows the answers without a form; a change or second submit is refused."""
    submitted = respond(readiness_round, executive, ALL_YES)
    client.force_login(executive)

    page = client.get(url("answer", readiness_round))
    change = client.post(url("answer", readiness_round), {"mode": "one", "q": "1", **answer_form(q1="no")}, follow=True)
    again = client.post(url("review", readiness_round), follow=True)

    assert '<form method="post" data-autosave' not in page.content.decode()
    assert 'type="radio"' not in page.content.decode()
    assert "You submitted your answers on" in page.content.decode()
    refusal = "You have already submitted your answers to this round; they can no longer change."
    assert refusal in change.content.decode()
    assert refusal in again.content.decode()
    assert saved_answers(readiness_round, executive)[1] == (Choice.YES, "")
    assert Response.objects.get(pk=submitted.pk).submitted_at == submitted.submitted_at


def test_after_closing_the_answers_are_read_only_and_a_change_is_refused(client, organization, executive):
    """Given a round that closed yesterday with a draft, the survey is read-only and an answer is refused."""
    round_ = closed_round(organization)
    respond(round_, executive, "YYYYYNNNNNN", submitted=False)
    client.force_login(executive)

    page = client.get(url("answer", round_))
    change = client.post(url("answer", round_), {"mode": "one", "q": "1", **answer_form(q1="no")}, follow=True)
    question = round_.questionnaire.questions.get(number=1)
    api = client.post(
        f"/api/v1/orgs/{organization.slug}/assessments/rounds/{round_.pk}/my-response/",
        {"question": question.pk, "choice": "no"},
        content_type="application/json",
    )

    assert 'type="radio"' not in page.content.decode()
    assert "answers can no longer change" in page.content.decode()
    assert f"This round closed on {round_.closes_on.day} " in change.content.decode()
    assert api.status_code == 400
    assert "This round closed on" in str(api.json())
    assert saved_answers(round_, executive)[1] == (Choice.YES, "")


def test_ceo_review_offers_yes_partly_no_by_action(client, organization, member_of):
    """Given a CEO commitment review, all questions on one page come grouped by action with three choices."""
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    round_ = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo)
    InviteeFactory(round=round_, user=ceo)
    client.force_login(ceo)

    html = client.get(url("answer", round_, mode="all")).content.decode()

    assert html.count("<fieldset") == round_.questionnaire.questions.count()
    assert "Action 1: Take personal ownership" in html
    assert 'name="q1-choice" value="partly"' in html
    assert "You answer as the CEO" in html


# Results


def test_executive_reads_the_results_only_after_submitting(client, readiness_round, executive):
    """Given an invited executive, the results are refused (403, with why) until they have submitted."""
    client.force_login(executive)

    before = client.get(url("results", readiness_round))
    before_csv = client.get(url("results_csv", readiness_round))
    respond(readiness_round, executive, ALL_YES)
    after = client.get(url("results", readiness_round))

    assert before.status_code == before_csv.status_code == 403
    assert "The results open once you have answered" in before.content.decode()
    assert after.status_code == 200


def test_leadership_reads_the_results_without_answering(client, readiness_round, leadership_user):
    """Given a member of the leadership team who is not invited, the results are open to them."""
    client.force_login(leadership_user)

    assert client.get(url("results", readiness_round)).status_code == 200


def test_results_show_readiness_chart_next_steps_and_the_change(client, organization, cco_user, member_of):
    """Given two rounds, the later one shows readiness, the bars, the tips of split questions, and the change."""
    ada, bo = member_of(Role.EXECUTIVE, full_name="Ada Lovelace"), member_of(Role.EXECUTIVE, full_name="Bo Diddley")
    earlier = closed_round(organization, title="First look")
    respond(earlier, ada, "NNNNNNNNNNN")
    respond(earlier, bo, "YNNNNNNNNNN")
    later = RoundFactory(organization=organization, title="Six months on")
    respond(later, ada, ALL_YES, comments={4: "Which retention figure?"})
    respond(later, bo, "YYYNYYYYYYY")
    InviteeFactory(round=later, user=member_of(Role.EXECUTIVE, full_name="Cy Late"))
    client.force_login(cco_user)

    response = client.get(url("results", later))

    html = response.content.decode()
    results = response.context["results"]
    assert results.readiness == pytest.approx(21 / 22)
    assert ">95%<" in html
    assert response.context["alignment"] == {"unanimous_yes": 10, "split": 1, "unanimous_no": 0, "only_one_answer": 0}
    assert html.count('<rect class="bar-yes"') == 11
    assert [step.question.number for step in results.next_steps] == [4]
    assert results.questions[3].question.tip in html
    assert "Compared with First look" in html
    assert "+90 pts" in html  # readiness went from 1 in 22 (5%) to 21 in 22 (95%), as shown
    assert "Which retention figure?" in html
    assert "— Ada Lovelace" in html
    assert "Cy Late" in html  # named round: who has not answered yet


def test_anonymous_results_and_csv_name_nobody(client, organization, cco_user, member_of):
    """Given an anonymous round with comments, neither the page nor the CSV shows who answered or who has not."""
    ada, bo = member_of(Role.EXECUTIVE, full_name="Ada Lovelace"), member_of(Role.EXECUTIVE, full_name="Bo Diddley")
    round_ = RoundFactory(organization=organization, is_anonymous=True)
    respond(round_, ada, ALL_YES, comments={1: "Words of the first"})
    respond(round_, bo, "NNNNNNNNNNN", comments={2: "Words of the second"})
    InviteeFactory(round=round_, user=member_of(Role.EXECUTIVE, full_name="Cy Late"))
    client.force_login(cco_user)

    page = client.get(url("results", round_)).content.decode()
    export = client.get(url("results_csv", round_)).content.decode("utf-8-sig")

    for text in (page, export):
        assert "Words of the first" in text
        assert "Words of the second" in text
        for person in (ada, bo):
            assert person.full_name not in text
            assert person.email not in text
        assert "Cy Late" not in text
    assert "who has answered and who has not is never shown" in page


def test_csv_neutralizes_formulas_in_comments(client, organization, cco_user, member_of):
    """Given comments that a spreadsheet would run as formulas, the CSV starts each such cell with a quote."""
    round_ = RoundFactory(organization=organization, is_anonymous=True, title="Q3 = done?")
    respond(
        round_,
        member_of(Role.EXECUTIVE),
        ALL_YES,
        comments={1: '=HYPERLINK("http://evil.example","click")', 2: "+1 from me", 3: "@SUM(A1)", 4: "-2"},
    )
    client.force_login(cco_user)

    response = client.get(url("results_csv", round_))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="q3-done-results.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Question"
    comments = {int(row[0]): row[-1] for row in rows[1:]}
    assert comments[1] == '\'=HYPERLINK("http://evil.example","click")'
    assert comments[2] == "'+1 from me"
    assert comments[3] == "'@SUM(A1)"
    assert comments[4] == "'-2"
    assert rows[1][3:6] == ["1", "0", "1"]  # yes, no, answers stay numbers


def test_csv_helper_neutralizes_text_and_leaves_numbers_alone():
    """Given cells of every kind, only text that starts a formula changes; negative numbers stay numbers."""
    assert [neutralize(v) for v in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "fine", -0.25, 3, None]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "'\rx",
        "fine",
        -0.25,
        3,
        None,
    ]
    response = csv_response("x.csv", ["=header"], [["=a", -1]])
    assert response.content.decode("utf-8-sig").splitlines() == ["'=header", "'=a,-1"]


def test_ceo_review_results_set_the_ceo_beside_the_leaders(client, organization, cco_user, member_of):
    """Given a CEO who says Yes and leaders who say No, the results show both views and the gap per action."""
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    round_ = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo)
    total = round_.questionnaire.questions.count()
    respond(round_, ceo, "Y" * total)
    respond(round_, member_of(Role.EXECUTIVE), "N" * total, comments={1: "Not what I see"})
    client.force_login(cco_user)

    response = client.get(url("results", round_))
    export = client.get(url("results_csv", round_)).content.decode("utf-8-sig")

    html = response.content.decode()
    assert response.context["results"].overall.gap == 100
    assert "+100 pts" in html
    assert "The eight actions, largest gap first" in html
    assert "Not what I see" in html
    assert "Take personal ownership" in export


# Managing invitees and the list of rounds


def test_cco_invites_more_people_to_an_open_round(client, readiness_round, cco_user, member_of):
    """Given an open round, when the CCO invites a member and an address, then both become invitees."""
    leader = member_of(Role.LEADERSHIP)
    client.force_login(cco_user)

    response = client.post(
        url("invitees", readiness_round),
        {"invitees": [leader.pk], "invitee_emails": "late@example.com"},
        follow=True,
    )

    assert "2 more people are invited by email." in response.content.decode()
    assert set(readiness_round.invitees.values_list("email", flat=True)) >= {leader.email, "late@example.com"}


def test_closed_round_takes_no_more_invitees(client, organization, cco_user):
    """Given a closed round, the invitees page offers no form, and a post is refused with the reason."""
    round_ = closed_round(organization)
    client.force_login(cco_user)

    page = client.get(url("invitees", round_))
    post = client.post(url("invitees", round_), {"invitee_emails": "late@example.com"})

    assert "Invite and send emails" not in page.content.decode()
    assert "This round has closed; open a new round to ask again." in post.content.decode()
    assert not Invitee.objects.filter(round=round_).exists()


def test_index_lists_what_waits_for_the_executive_and_their_readable_results(
    client, organization, executive, readiness_round
):
    """Given one open invitation and one submitted round, the executive sees both in their places."""
    done = closed_round(organization, title="Last year")
    respond(done, executive, ALL_YES)
    RoundFactory(organization=organization, title="Not for Emery")
    client.force_login(executive)

    response = client.get(index_url(organization))

    html = response.content.decode()
    assert [round_ for round_, _, _ in response.context["to_answer"]] == [readiness_round]
    assert response.context["answered"] == [done]
    assert "Not for Emery" not in html
    assert "Open a readiness round" not in html


def test_index_for_a_new_organization_explains_what_to_do(client, cco_user, executive, organization):
    """Given no rounds at all, the CCO is led to open the first ones, and an executive learns what will come."""
    client.force_login(cco_user)
    for_cco = client.get(index_url(organization)).content.decode()
    client.force_login(executive)
    for_executive = client.get(index_url(organization)).content.decode()

    assert "No readiness round yet" in for_cco
    assert "No CEO commitment review yet" in for_cco
    assert "Nothing is waiting for your answers." not in for_cco  # managers' work is the rounds themselves
    assert "Nothing is waiting for your answers." in for_executive
    assert "No results to show you yet." in for_executive
    assert "Open a readiness round" not in for_executive


def test_assessments_are_in_the_navigation_of_every_member(client, organization, leadership_user):
    """Given any member, the main navigation links to the assessments after the overview."""
    client.force_login(leadership_user)

    html = client.get(reverse("organizations:home", kwargs={"org_slug": organization.slug})).content.decode()

    assert html.index(">Overview</a>") < html.index(">Assessments</a>")
    assert index_url(organization) in html


def test_invitation_by_email_counts_as_invited_once_joined(client, organization, readiness_round):
    """Given an address invited before it had an account, the person who joins with it may answer."""
    Invitee.objects.create(round=readiness_round, email="joiner@example.com")
    joiner = MembershipFactory(organization=organization, user__email="joiner@example.com").user
    client.force_login(joiner)

    response = client.get(url("answer", readiness_round))

    assert response.status_code == 200
    assert "Question 1 of 11" in response.content.decode()


def test_results_say_how_many_answered_and_that_one_answer_is_not_unanimous(client, organization, cco_user, member_of):
    """Given one respondent of two, the results count no unanimous question, say that one answer is not
    enough, and show "1 of 2 answered" beside each question."""
    round_ = RoundFactory(organization=organization, title="Early days")
    respond(round_, member_of(Role.EXECUTIVE), ALL_YES)
    InviteeFactory(round=round_, user=member_of(Role.EXECUTIVE))
    client.force_login(cco_user)

    response = client.get(url("results", round_))

    html = response.content.decode()
    assert response.context["alignment"]["unanimous_yes"] == 0
    assert response.context["alignment"]["only_one_answer"] == 11
    assert "11 questions have only one answer: unanimity needs at least two." in html
    assert html.count("1 of 2 answered") == 11
    assert "Unanimous yes" not in html
    assert "Only one answer" in html


def test_ceo_review_results_say_how_many_answered_each_question(client, organization, cco_user, member_of):
    """Every question of a review shows how many of the invited answered it."""
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    round_ = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo)
    total = round_.questionnaire.questions.count()
    respond(round_, ceo, "Y" * total)
    InviteeFactory(round=round_, user=member_of(Role.EXECUTIVE))
    client.force_login(cco_user)

    html = client.get(url("results", round_)).content.decode()

    assert html.count("1 of 2 answered") == total


def test_an_over_long_comment_is_refused_whole_with_the_question_named(client, readiness_round, executive):
    """Given a comment of 2,001 characters, when saved from the page or by the autosave, then nothing is
    saved or cut, and the page says which question's comment is too long and by how much."""
    client.force_login(executive)
    too_long = "x" * 2001

    page = client.post(
        url("answer", readiness_round),
        {"mode": "one", "q": "3", "go": "next", **answer_form(q3="yes", q3_comment=too_long)},
    )
    autosave_ = autosave(client, readiness_round, 3, "yes", too_long)

    message = "The comment on question 3 has 2,001 characters; the limit is 2,000."
    assert page.status_code == 200
    assert message in page.content.decode()
    assert f"{too_long}</textarea>" in page.content.decode()  # given back whole, to shorten
    assert autosave_.status_code == 400
    assert message in str(autosave_.json())
    assert saved_answers(readiness_round, executive) == {}


def test_the_comment_field_states_its_limit_and_has_no_cutting_maxlength(client, readiness_round, executive):
    """The comment says its limit beside it and carries no maxlength, which would cut a paste silently."""
    client.force_login(executive)

    html = client.get(url("answer", readiness_round, mode="one", q=1)).content.decode()

    assert "Up to 2,000 characters." in html
    assert 'data-max-length="2000"' in html
    assert 'aria-describedby="q1-comment-count"' in html
    assert "maxlength" not in html


def test_ceo_review_results_show_each_action_across_reviews(client, organization, cco_user, member_of):
    """Given a second review, its results open each action onto its own trend, with the seed's explanation."""
    ceo = member_of(Role.ADMIN, full_name="Cleo CEO")
    first = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo, title="Spring review")
    first.closes_on = first.opens_on + timedelta(days=1)
    first.save()
    second = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=ceo, title="Autumn review")
    total = first.questionnaire.questions.count()
    respond(first, ceo, "Y" * total)
    respond(second, ceo, "N" * total)
    client.force_login(cco_user)

    html = client.get(url("results", second)).content.decode()

    assert "Each action across reviews" in html
    assert html.count('<details class="card mb-2 action-trend">') == 8
    assert html.count("Spring review") == 8 + 1  # each action's table, and the overall trend
    assert second.questionnaire.sections.get(number=1).description in html
