"""The readiness survey in a real browser: an invited executive answers in two sittings, and the CCO reads
the result.

The screenshots (tests/artifacts/e2e-readiness-*.png) are for a person to look at, at desktop and phone
width; the assertions check what that person would: the progress, where the survey resumes, the review,
and the readiness and chart the CCO sees.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments import services
from assessments.models import Kind
from cco_portal.organizations.roles import Role
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Emery's answers to questions 1 to 11; Bea answered No to 4 and 7 only. Together: 17 Yes of 22 answers.
EMERY = ["Yes", "Yes", "No", "Yes", "Yes", "No", "Yes", "Yes", "No", "Yes", "Yes"]
BEA_NOS = {4, 7}
COMMENT = "The budget for customer work is the first to go."


@pytest.fixture
def readiness_round(organization, member_of):
    """A named round opened by the CCO for two executives, one of whom (Bea) has already submitted."""
    cco = member_of(Role.CCO, full_name="Casey Customer")
    emery = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    bea = member_of(Role.EXECUTIVE, full_name="Bea Board")
    today = timezone.localdate()
    round_ = services.open_round(
        organization=organization,
        kind=Kind.READINESS,
        title="Readiness, spring",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        invitees=[emery, bea],
        created_by=cco,
    )
    for question in round_.questionnaire.questions.all():
        choice = "no" if question.number in BEA_NOS else "yes"
        services.record_answer(round_=round_, user=bea, question=question, choice=choice)
    services.submit_response(round_=round_, user=bea)
    return round_, cco, emery


def question(page: Page, number: int):
    """The fieldset of question `number`, found by its legend as a screen reader announces it."""
    return page.get_by_role("group", name=re.compile(rf"^Question {number} of 11\b"))


def answered(page: Page, count: int):
    return page.get_by_text(re.compile(rf"^{count} of 11 answered$"))


def answer(page: Page, number: int) -> None:
    """Choose the answer of question `number` and wait until survey.js has saved it."""
    choice = EMERY[number - 1]
    # The radio is visually hidden behind its label, which is the button a person clicks.
    question(page, number).get_by_text(choice, exact=True).click()
    expect(question(page, number).get_by_role("radio", name=choice, exact=True)).to_be_checked()
    expect(page.locator("#autosave-status")).to_have_text(f"Saved your answer to question {number}.")


def assert_fits(page: Page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def test_executive_answers_in_two_sittings_and_the_cco_sees_the_result(
    new_page, live_server, sign_in, screenshot, organization, readiness_round
):
    """An invited executive answers five questions and half of the sixth, leaves, comes back on a phone in a
    new session, resumes at question 7, reviews and submits; the CCO then sees readiness 77% and the chart."""
    round_, cco, emery = readiness_round
    round_kwargs = {"org_slug": organization.slug, "round_id": round_.pk}

    # given: the executive follows the invitation email's link and signs in
    page = new_page(DESKTOP)
    sign_in(page, emery, path=round_.get_absolute_url())

    # then: the survey opens on question 1, with nothing answered yet
    expect(page).to_have_url(re.compile(r"/answer/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness, spring")
    expect(question(page, 1)).to_be_visible()
    expect(answered(page, 0)).to_be_visible()

    # when: they open the implementation tip of the first question
    tip = question(page, 1).get_by_text(re.compile("^These agreements need to be established"))
    expect(tip).to_be_hidden()
    question(page, 1).get_by_text("Implementation tip").click()

    # then: the tip is shown on demand
    expect(tip).to_be_visible()
    screenshot(page, "readiness-question-desktop")

    # when: they answer questions 1 to 5 one at a time, question 2 with the keyboard alone
    for number in range(1, 6):
        if number == 2:
            question(page, 2).get_by_role("radio", name="Yes", exact=True).focus()
            page.keyboard.press("Space")
            expect(page.locator("#autosave-status")).to_have_text("Saved your answer to question 2.")
        else:
            answer(page, number)
        expect(answered(page, number)).to_be_visible()
        page.get_by_role("button", name="Save and next").click()
        expect(question(page, number + 1)).to_be_visible()

    # and: on question 6 they write a comment and choose No, then close the browser without pressing a button
    question(page, 6).get_by_label("Comment (optional)").fill(COMMENT)
    answer(page, 6)
    expect(answered(page, 6)).to_be_visible()
    steps = page.get_by_role("navigation", name="Questions")
    expect(steps.get_by_role("link", name="Question 6, answered")).to_be_visible()
    screenshot(page, "readiness-halfway-desktop")
    page.context.close()

    # when: they come back later on a phone: a new browser, a new session, signing in again
    phone = new_page(PHONE)
    sign_in(phone, emery, path=round_.get_absolute_url())

    # then: the survey resumes where they left off, with six of eleven answered
    expect(question(phone, 7)).to_be_visible()
    expect(answered(phone, 6)).to_be_visible()
    expect(phone.get_by_text(re.compile(r"^Welcome back\. Your 6 answers are saved"))).to_be_visible()
    assert_fits(phone, "the survey")
    screenshot(phone, "readiness-resumed-phone")

    # when: they answer the rest; the last button leads to the review
    for number in range(7, 12):
        answer(phone, number)
        name = "Save and review" if number == 11 else "Save and next"
        phone.get_by_role("button", name=name).click()

    # then: the review shows every answer, the comment included, and nothing missing
    expect(phone.get_by_role("heading", level=1)).to_have_text("Review your answers")
    expect(answered(phone, 11)).to_be_visible()
    expect(phone.get_by_text("Every question is answered.")).to_be_visible()
    expect(phone.get_by_text(COMMENT)).to_be_visible()
    assert_fits(phone, "the review")
    screenshot(phone, "readiness-review-phone")

    # when: they submit
    phone.get_by_role("button", name="Submit my answers").click()

    # then: their answers are final, and the results open to them
    expect(phone.get_by_text("Thank you. Your answers to “Readiness, spring” are submitted.")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Results: Readiness, spring")
    screenshot(phone, "readiness-submitted-phone")
    phone.goto(live_server.url + reverse("assessments:answer", kwargs=round_kwargs))
    expect(phone.get_by_text(re.compile("You submitted your answers on"))).to_be_visible()
    expect(phone.get_by_role("radio")).to_have_count(0)

    # when: the CCO opens the assessments and the round's results
    desk = new_page(DESKTOP)
    sign_in(desk, cco, path=reverse("assessments:index", kwargs={"org_slug": organization.slug}))
    expect(desk.get_by_role("row", name=re.compile("Readiness, spring"))).to_contain_text("2 of 2")
    screenshot(desk, "readiness-index-cco-desktop")
    desk.get_by_role("link", name="Results of Readiness, spring").click()

    # then: readiness (17 Yes of 22 answers), the alignment, a bar per question, the comment with its author
    expect(desk.get_by_role("heading", level=1)).to_have_text("Results: Readiness, spring")
    expect(desk.get_by_text("77%", exact=True)).to_be_visible()
    expect(desk.get_by_text("17 of 22 answers are Yes", exact=False)).to_be_visible()
    chart = desk.get_by_role("list").filter(has=desk.locator("svg.bar"))
    expect(chart.get_by_role("listitem")).to_have_count(11)
    expect(chart.get_by_role("listitem").nth(5)).to_contain_text("1 yes · 1 no")
    expect(chart.get_by_role("listitem").nth(5)).to_contain_text("Split")
    expect(desk.get_by_text(COMMENT)).to_be_visible()
    expect(desk.get_by_text("— Emery Executive")).to_be_visible()
    expect(desk.get_by_text("Everyone invited has submitted their answers.")).to_be_visible()
    screenshot(desk, "readiness-results-cco-desktop")

    # and: the same results fit a phone
    cco_phone = new_page(PHONE)
    sign_in(cco_phone, cco, path=reverse("assessments:results", kwargs=round_kwargs))
    expect(cco_phone.get_by_text("77%", exact=True)).to_be_visible()
    assert_fits(cco_phone, "the results")
    screenshot(cco_phone, "readiness-results-cco-phone")
