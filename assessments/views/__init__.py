"""Pages of the assessments: the rounds, the survey with its review and submit, and the results.

Every page of a round loads it through Round.objects.for_organization() (see RoundMixin), so a round
of another organization is a 404. Writes go through services.py, which refuses what may not be done;
the pages show its reason.
"""

from .calendar import CloseRoundView, ExtendRoundView, NudgeInviteeView, NudgeWaitingView, ReminderDaysView
from .results import ResultsCsvView, ResultsView
from .rounds import IndexView, InviteesView, OpenRoundView, RoundView
from .survey import AnswerView, ReviewView

__all__ = [
    "AnswerView",
    "CloseRoundView",
    "ExtendRoundView",
    "IndexView",
    "InviteesView",
    "NudgeInviteeView",
    "NudgeWaitingView",
    "OpenRoundView",
    "ReminderDaysView",
    "ResultsCsvView",
    "ResultsView",
    "ReviewView",
    "RoundView",
]
