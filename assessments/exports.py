"""The results of a round as CSV tables: one row per question, comments without names when anonymous."""

from django.utils.text import slugify

from .selectors import Comment, CommitmentResults, ReadinessResults


def results_filename(round_) -> str:
    return f"{slugify(round_.title) or 'round'}-results.csv"


def _share(value: float | None):
    return "" if value is None else round(value, 4)


def _points(change: int | None):
    return "" if change is None else change


def _comments(comments: list[Comment]) -> str:
    # Anonymous rounds give comments without an author (None), so no name can reach the file.
    return "\n".join(
        comment.text if comment.author is None else f"{comment.author}: {comment.text}" for comment in comments
    )


def readiness_table(results: ReadinessResults) -> tuple[list[str], list[list]]:
    header = [
        "Question",
        "Short name",
        "Question text",
        "Yes",
        "No",
        "Answers",
        "Yes share",
        "Alignment",
        "Yes share in previous round",
        "Change (points)",
        "Comments",
    ]
    rows = [
        [
            result.question.number,
            result.question.label,
            result.question.text,
            result.yes,
            result.no,
            result.answers,
            _share(result.yes_share),
            result.alignment,
            _share(result.previous_yes_share),
            _points(result.yes_share_change),
            _comments(result.comments),
        ]
        for result in results.questions
    ]
    return header, rows


def commitment_table(results: CommitmentResults, comments: dict[int, list[Comment]]) -> tuple[list[str], list[list]]:
    header = [
        "Action",
        "Action title",
        "Question",
        "Short name",
        "Question text",
        "CEO self-view",
        "Leaders' view",
        "Gap (points)",
        "Comments",
    ]
    rows = [
        [
            action.number,
            action.title,
            question.number,
            question.label,
            question.text,
            _share(scores.self_view),
            _share(scores.leaders_view),
            _points(scores.gap),
            _comments(comments.get(question.pk, [])),
        ]
        for action in results.actions
        for question, scores in action.questions
    ]
    return header, rows
