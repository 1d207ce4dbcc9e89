"""The survey: answering one question at a time or all on one page, then reviewing and submitting.

The pages work without JavaScript; survey.js saves each choice as it is made through the API's my-response
endpoint, the same one other clients use."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ANY_MEMBER

from .. import selectors, services
from ..forms import answer_forms, posted_question_numbers
from .base import RoundMixin

SURVEY_MODES = ("one", "all")
SURVEY_MODE_SESSION_KEY = "assessments_survey_mode"


class SurveyMixin(RoundMixin):
    @cached_property
    def is_ceo(self) -> bool:
        return self.round_.ceo_id is not None and self.round_.ceo_id == self.request.user.pk

    @cached_property
    def questions(self):
        return selectors.questions_of(self.round_, as_ceo=self.is_ceo)

    def survey_context(self, response, answers: dict) -> dict:
        answered, total = len(answers), len(self.questions)
        return {
            "response": response,
            "questions": self.questions,
            "answers": answers,
            "sheet": [(question, answers.get(question.pk)) for question in self.questions],
            "answered": answered,
            "total": total,
            "is_editable": self.round_.is_open and not (response and response.is_submitted),
            "is_ceo": self.is_ceo,
            "can_read_results": self.can_read_results(),
            "evidence": selectors.evidence_by_question(self.round_),
        }


class AnswerView(SurveyMixin, TemplateView):
    """The survey: one question at a time or all on one page; every answer is saved when it is given."""

    template_name = "assessments/answer.html"
    # Any member may post; the service takes answers from the round's invitees only.
    write_roles = ANY_MEMBER

    def get(self, request, *args, **kwargs):
        if (refusal := self.refusal_to_answer()) is not None:
            return refusal
        if self.round_.is_open and not selectors.has_submitted(self.round_, request.user):
            # The response exists from the first visit, so the progress is kept however the person leaves.
            response = services.start_response(round_=self.round_, user=request.user)
        else:
            response = selectors.response_of(self.round_, request.user)
        answers = selectors.answers_by_question(response)
        context = self.survey_context(response, answers)
        mode = self.mode()
        if not context["is_editable"]:
            return self.render_to_response(self.get_context_data(**context, mode=mode))
        number = requested = self.requested_number()
        if mode == "one" and number is None:
            number = next((q.number for q in self.questions if q.pk not in answers), None)
            if number is None:
                # Everything is answered and no question was asked for: what is left is to review and submit.
                return redirect(self.round_url("review"))
        forms = answer_forms(
            self.page_questions(mode, number), choices=self.round_.questionnaire.choices, answers=answers
        )
        page = self.page_context(mode, number if mode == "one" else None, forms)
        # Coming back without asking for a question: say that nothing was lost, and where this is.
        resumed = mode == "one" and requested is None and bool(answers)
        return self.render_to_response(self.get_context_data(**context, **page, resumed=resumed))

    def post(self, request, *args, **kwargs):
        if not self.is_invited:
            return self.refusal_to_answer()
        posted = posted_question_numbers(request.POST)
        if unknown := sorted(posted - {question.number for question in self.questions}):
            return self.refuse(
                ngettext(
                    "Question %(numbers)s is not part of “%(round)s”; nothing was saved.",
                    "Questions %(numbers)s are not part of “%(round)s”; nothing was saved.",
                    len(unknown),
                )
                % {"numbers": ", ".join(map(str, unknown)), "round": self.round_.title}
            )
        response = selectors.response_of(self.round_, request.user)
        answers = selectors.answers_by_question(response)
        # Only the questions the post carries: a page (or survey.js) sends its own questions, never the others.
        forms = answer_forms(
            [question for question in self.questions if question.number in posted],
            choices=self.round_.questionnaire.choices,
            answers=answers,
            data=request.POST,
        )
        mode, number = self.posted_page()
        if not all(form.is_valid() for form in forms):
            context = self.survey_context(response, answers)
            return self.render_to_response(self.get_context_data(**context, **self.page_context(mode, number, forms)))

        changed = [form for form in forms if form.is_answered and form.has_changed()]
        try:
            services.record_answers(
                round_=self.round_,
                user=request.user,
                answers=[
                    (form.question, form.cleaned_data["choice"], form.cleaned_data["comment"]) for form in changed
                ],
            )
        except ValidationError as error:
            return self.refuse(" ".join(error.messages))

        if len(changed) == 1:
            messages.success(
                request, _("Your answer to question %(number)s is saved.") % {"number": changed[0].question.number}
            )
        elif changed:
            messages.success(
                request,
                ngettext("%(count)s answer saved.", "%(count)s answers saved.", len(changed)) % {"count": len(changed)},
            )
        return redirect(self.next_url(mode, number, request.POST.get("go", "stay")))

    def mode(self) -> str:
        """One question at a time or all on one page: the person's choice, remembered for the session."""
        requested = self.request.GET.get("mode")
        if requested in SURVEY_MODES:
            self.request.session[SURVEY_MODE_SESSION_KEY] = requested
            return requested
        return self.request.session.get(SURVEY_MODE_SESSION_KEY, "one")

    def requested_number(self) -> int | None:
        try:
            number = int(self.request.GET.get("q", ""))
        except ValueError:
            return None
        return min(max(number, 1), len(self.questions))

    def posted_page(self) -> tuple[str, int | None]:
        mode = self.request.POST.get("mode")
        if mode != "one":
            return "all", None
        try:
            return "one", min(max(int(self.request.POST.get("q", "")), 1), len(self.questions))
        except ValueError:
            return "one", 1

    def page_questions(self, mode: str, number: int | None):
        if mode == "one":
            return [q for q in self.questions if q.number == number]
        return self.questions

    def page_context(self, mode: str, number: int | None, forms) -> dict:
        numbers = [q.number for q in self.questions]
        return {
            "mode": mode,
            "number": number,
            "forms": forms,
            "is_last": number == numbers[-1],
            "is_first": number == numbers[0],
        }

    def next_url(self, mode: str, number: int | None, go: str) -> str:
        if go == "review" or (go == "next" and number == len(self.questions)):
            return self.round_url("review")
        if mode == "all":
            return self.round_url("answer", mode="all")
        step = {"next": 1, "previous": -1}.get(go, 0)
        return self.round_url("answer", mode="one", q=max(number + step, 1))

    def refuse(self, message: str):
        messages.error(self.request, message)
        return redirect(self.round_url("answer"))


class ReviewView(SurveyMixin, TemplateView):
    """All answers on one page, the missing ones marked, and the button that makes them final."""

    template_name = "assessments/review.html"
    # Any member may post; the service takes a submission from the round's invitees only.
    write_roles = ANY_MEMBER

    def get(self, request, *args, **kwargs):
        if (refusal := self.refusal_to_answer()) is not None:
            return refusal
        response = selectors.response_of(self.round_, request.user)
        answers = selectors.answers_by_question(response)
        missing = [question for question in self.questions if question.pk not in answers]
        context = self.survey_context(response, answers)
        return self.render_to_response(self.get_context_data(**context, missing=missing))

    def post(self, request, *args, **kwargs):
        if not self.is_invited:
            return self.refusal_to_answer()
        try:
            services.submit_response(round_=self.round_, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.round_url("review"))
        messages.success(
            request, _("Thank you. Your answers to “%(round)s” are submitted.") % {"round": self.round_.title}
        )
        return redirect(self.round_url("results"))
