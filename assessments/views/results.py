"""The results of a round as a page and as CSV, for those who may read them."""

from django.views import View
from django.views.generic import TemplateView

from cco_portal.audit.services import audited_download
from cco_portal.csv_export import csv_response

from .. import exports, selectors
from ..models import Kind
from ..selectors import Alignment
from .base import RoundMixin


class ResultsAccessMixin(RoundMixin):
    def results_refusal(self):
        """The page for people who may not read the results (yet); None for those who may."""
        if self.can_read_results():
            return None
        if self.is_invited and not self.round_.has_closed:
            return self.unavailable(
                "The results open once you have answered",
                f"You see the results of “{self.round_.title}” after you have submitted your own answers, "
                "so that everyone answers without knowing what the others said.",
                action=(self.round_url("answer"), "Answer the survey"),
            )
        return self.unavailable(
            "These results are not open to you",
            "The results of a round are open to the Chief Customer Officer, the admins and the leadership team, "
            "and to the executives who answered it.",
        )


class ResultsView(ResultsAccessMixin, TemplateView):
    def get_template_names(self):
        return [f"assessments/results_{self.round_.kind}.html"]

    def get(self, request, *args, **kwargs):
        if (refusal := self.results_refusal()) is not None:
            return refusal
        if self.round_.kind == Kind.COMMITMENT:
            context = {
                "results": selectors.commitment_results(self.round_),
                "comments": selectors.comments_by_question(self.round_),
                "evidence": selectors.evidence_by_question(self.round_),
            }
        else:
            results = selectors.readiness_results(self.round_)
            context = {
                "results": results,
                "alignment": {
                    "unanimous_yes": results.count(Alignment.UNANIMOUS_YES),
                    "split": results.count(Alignment.SPLIT),
                    "unanimous_no": results.count(Alignment.UNANIMOUS_NO),
                    "only_one_answer": results.count(Alignment.ONLY_ONE_ANSWER),
                },
                "has_comments": any(result.comments for result in results.questions),
            }
        return self.render_to_response(
            self.get_context_data(
                **context,
                is_invited_to_answer=self.is_invited
                and self.round_.is_open
                and not selectors.has_submitted(self.round_, request.user),
            )
        )


class ResultsCsvView(ResultsAccessMixin, View):
    def get(self, request, *args, **kwargs):
        if (refusal := self.results_refusal()) is not None:
            return refusal
        if self.round_.kind == Kind.COMMITMENT:
            table = exports.commitment_table(
                selectors.commitment_results(self.round_), selectors.comments_by_question(self.round_)
            )
        else:
            table = exports.readiness_table(selectors.readiness_results(self.round_))
        response = csv_response(exports.results_filename(self.round_), *table)
        return audited_download(request, self.organization, response, f"results of {self.round_.title}")
