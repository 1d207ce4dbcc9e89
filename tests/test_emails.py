"""Every email's subject is one line a mail header can hold, whatever the names and titles in it hold."""

import pytest
from django.core import mail

from cco_portal.emails import SUBJECT_LIMIT, one_line, send_email


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Acme\nOutfitters: “Map the\r\njourney”", "Acme Outfitters: “Map the journey”"),
        ("Tabs\tand\x07bells\u2028and separators", "Tabs and bells and separators"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_a_subject_is_one_line(text, line):
    assert one_line(text) == line


def test_a_long_subject_is_cut_with_an_ellipsis():
    cut = one_line("word " * 100)
    assert len(cut) == SUBJECT_LIMIT
    assert cut.endswith("…")


def test_a_title_with_a_line_break_is_sent(settings):
    """Django refuses a header with a newline; the portal's sender makes it one line and the email goes."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    send_email(to="owner@example.com", subject="Globex\nEurope: “Listen\r\n” is overdue", body="Hello")

    assert [message.subject for message in mail.outbox] == ["Globex Europe: “Listen ” is overdue"]
