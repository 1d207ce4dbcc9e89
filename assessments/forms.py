"""Forms of the assessment pages: opening a round, inviting more people, and answering one question."""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cco_portal.dates import DateField
from cco_portal.organizations.selectors import list_members

from .models import COMMENT_MAX_LENGTH, Kind, Question, comment_too_long_message

# People paste addresses from mail clients and spreadsheets; commas and semicolons separate them too.
EMAIL_SEPARATORS = re.compile(r"[\s,;]+")
# The answer fields of question N are named qN-choice and qN-comment.
ANSWER_FIELD = re.compile(r"q(\d+)-(choice|comment)")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker reads and writes ISO dates, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


class EmailListField(forms.Field):
    """Email addresses, one per line; every one that is not an address is named in the error."""

    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        emails = [part.lower() for part in EMAIL_SEPARATORS.split(str(value)) if part]
        return list(dict.fromkeys(emails))

    def validate(self, value):
        super().validate(value)
        invalid = []
        for email in value:
            try:
                validate_email(email)
            except ValidationError:
                invalid.append(email)
        if invalid:
            raise ValidationError(
                _("Not an email address: %(invalid)s. Put one address on each line."),
                code="invalid",
                params={"invalid": ", ".join(invalid)},
            )


class InviteesMixin:
    """Checkboxes of the organization's members (optionally leaving some out) and an email list."""

    def set_member_choices(self, organization, *, exclude_emails=frozenset()):
        self.members = {m.user.pk: m for m in list_members(organization)}
        self.fields["invitees"].choices = [
            (pk, f"{member.user.display_name} ({', '.join(member.role_labels)})")
            for pk, member in self.members.items()
            if member.user.email.lower() not in exclude_emails
        ]

    def clean_invitees(self):
        return [self.members[pk].user for pk in self.cleaned_data["invitees"]]


class RoundForm(InviteesMixin, forms.Form):
    title = forms.CharField(max_length=200)
    opens_on = DateField(widget=DateInput, label=_("Opens on"))
    closes_on = DateField(widget=DateInput, label=_("Closes on"), help_text=_("The last day answers are accepted."))
    ceo = forms.TypedChoiceField(
        coerce=int,
        label="CEO",
        help_text=_("Their answers are the CEO's self-view, set beside the leaders' view. They are invited too."),
    )
    invitees = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Members to invite")
    )
    invitee_emails = EmailListField(
        required=False,
        label=_("Invite by email"),
        help_text=_("One address per line. Anyone who is not a member yet is first invited to join as an executive."),
    )
    is_anonymous = forms.BooleanField(
        required=False,
        label=_("Anonymous round"),
        help_text=_("Results never show who answered what, nor who has not answered yet."),
    )

    def __init__(self, *args, organization, kind: str, **kwargs):
        today = timezone.localdate()
        defaults = {
            "title": f"{Kind(kind).label}, {today:%B %Y}",
            "opens_on": today,
            "closes_on": today + timedelta(days=14),
        }
        kwargs["initial"] = {**defaults, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.set_member_choices(organization)
        if kind == Kind.COMMITMENT:
            del self.fields["is_anonymous"]
            self.fields["ceo"].choices = [("", "Choose the CEO"), *self.fields["invitees"].choices]
            self.fields["invitees"].label = "Leaders to invite"
        else:
            del self.fields["ceo"]

    def clean_ceo(self):
        return self.members[self.cleaned_data["ceo"]].user


class InviteesForm(InviteesMixin, forms.Form):
    invitees = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Members not invited yet")
    )
    invitee_emails = EmailListField(
        required=False,
        label=_("Invite by email"),
        help_text=_("One address per line. Anyone who is not a member yet is first invited to join as an executive."),
    )

    def __init__(self, *args, organization, already_invited: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.set_member_choices(organization, exclude_emails=already_invited)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("invitees") and not cleaned.get("invitee_emails"):
            raise ValidationError(_("Choose a member or enter an email address to invite."))
        return cleaned


class ReminderDaysForm(forms.Form):
    reminder_days = forms.CharField(
        label=_("Remind those who have not answered"),
        help_text=_("Days before the closing date, separated by commas; 0 is the last day. Leave empty for none."),
        required=False,
    )

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data["reminder_days"]
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(re.fullmatch(r"[0-9]{1,2}", part) for part in parts):
            raise ValidationError(_("Write whole numbers of days, such as “7, 3, 0”."))
        return [int(part) for part in parts]


class ExtendRoundForm(forms.Form):
    closes_on = DateField(label=_("New closing date"), widget=forms.DateInput(attrs={"type": "date"}))


class AnswerForm(forms.Form):
    """The answer to one question: a choice and an optional comment, named qN-choice and qN-comment."""

    choice = forms.ChoiceField(required=False, widget=forms.RadioSelect(attrs={"class": "btn-check"}))
    # No max_length: it would give the textarea a maxlength, and the browser would cut a pasted comment
    # without a word. survey.js counts instead, and clean_comment refuses what is too long.
    comment = forms.CharField(
        required=False,
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control", "data-max-length": COMMENT_MAX_LENGTH}),
    )

    def __init__(self, *args, question: Question, choices, **kwargs):
        super().__init__(*args, prefix=f"q{question.number}", **kwargs)
        self.question = question
        self.comment_max_length = COMMENT_MAX_LENGTH
        self.fields["comment"].widget.attrs["aria-describedby"] = f"q{question.number}-comment-count"
        self.fields["choice"].choices = [(choice.value, choice.label) for choice in choices]
        self.choice_labels = " or ".join(choice.label for choice in choices)

    def clean_comment(self) -> str:
        # A post of the choice alone (a script, the API's habits) keeps the comment already saved.
        if self.add_prefix("comment") not in self.data:
            return self.initial.get("comment", "")
        comment = self.cleaned_data["comment"]
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ValidationError(comment_too_long_message(self.question.number, len(comment)), code="max_length")
        return comment

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("comment") and not cleaned.get("choice"):
            self.add_error("choice", f"Answer {self.choice_labels} to save your comment.")
        return cleaned

    @property
    def is_answered(self) -> bool:
        return bool(self.cleaned_data.get("choice"))


def answer_forms(questions, *, choices, answers: dict, data=None) -> list[AnswerForm]:
    """One form per question, filled with the saved answer (`answers` by question id)."""
    return [
        AnswerForm(
            data,
            question=question,
            choices=choices,
            initial=(
                {"choice": answers[question.pk].choice, "comment": answers[question.pk].comment}
                if question.pk in answers
                else {}
            ),
        )
        for question in questions
    ]


def posted_question_numbers(data) -> set[int]:
    """Numbers of the questions that `data` carries answer fields for: the questions of the posted page."""
    return {int(match[1]) for key in data if (match := ANSWER_FIELD.fullmatch(key))}
