"""Every word a template shows passes through gettext, so the portal can speak its users' languages.

A guard over the template files themselves: it fails on visible English outside {% translate %} and
{% blocktranslate %}, on an accessible name (aria-label, title, placeholder, alt) written as a literal, and on
a literal sentence handed to an included template, naming the file and line of each.
"""

import re
from pathlib import Path

from django.conf import settings
from django.template.base import DebugLexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# drf-spectacular's Swagger page is the library's own, in English by its authors' choice.
NOT_OURS = {"drf_spectacular"}

WORD = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]*>", re.S)
CODE = re.compile(r"<(script|style|pre)\b.*?</\1>", re.S)
ENTITY = re.compile(r"&(?:[a-z]+|#\d+);")
ACCESSIBLE_NAME = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')
# A literal sentence passed to an include (caption="Pages of …"): lower-case single words are ids and variants,
# and CSS classes are no sentence.
INCLUDED_SENTENCE = re.compile(r'\b(?!class_name=)\w+="([^"]*(?:[A-Z]|\s)[^"]*)"')
TRANSLATED_BLOCKS = {"blocktranslate": 1, "blocktrans": 1, "endblocktranslate": -1, "endblocktrans": -1}
UNREAD_BLOCKS = {"comment": 1, "verbatim": 1, "endcomment": -1, "endverbatim": -1}


def _templates():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in {".html", ".txt"} and not NOT_OURS & set(path.relative_to(TEMPLATES).parts):
            yield path


def _blank(text: str) -> str:
    """Keep a removed piece's line breaks, so that what follows keeps its line number."""
    return "\x01" + "\n" * text.count("\n")


def untranslated(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of English the template shows without gettext."""
    shown, depth, found = [], 0, []
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        raw = source[start:end]
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0] if token.contents else ""
            depth += TRANSLATED_BLOCKS.get(word, 0) + UNREAD_BLOCKS.get(word, 0)
            if word == "include" and not depth:
                found += [(token.lineno, literal) for literal in INCLUDED_SENTENCE.findall(token.contents)]
            shown.append(_blank(raw))
        elif token.token_type == TokenType.TEXT and not depth:
            shown.append(raw)
        else:
            shown.append(_blank(raw))
    text = CODE.sub(lambda match: _blank(match.group(0)), "".join(shown))
    for match in ACCESSIBLE_NAME.finditer(text):
        if WORD.search(match.group(1).replace("\x01", " ")):
            found.append((text.count("\n", 0, match.start()) + 1, match.group(1)))
    visible = ENTITY.sub(" ", TAG.sub(lambda match: _blank(match.group(0)), text))
    for number, line in enumerate(visible.split("\n"), start=1):
        if WORD.search(line):
            found.append((number, " ".join(line.replace("\x01", " … ").split()).strip(" …")))
    return sorted(found)


def test_every_word_a_template_shows_is_marked_for_translation():
    faults = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {text}"
        for path in _templates()
        for line, text in untranslated(path.read_text(encoding="utf-8"))
    ]
    assert not faults, "Mark these for translation ({% translate %} or {% blocktranslate %}):\n" + "\n".join(faults)


def test_the_guard_finds_text_attributes_and_included_sentences_and_passes_translated_ones():
    source = (
        "{% load i18n %}<h1>Members</h1>\n"
        '<nav aria-label="Breadcrumb">{% translate "Home" %}</nav>\n'
        '{% include "partials/pagination.html" with label="Pages of members" %}\n'
        "{% blocktranslate with name=user.name %}Hello {{ name }}{% endblocktranslate %}\n"
        '<a title="{% translate "Close" %}" href="{{ url }}">{{ url }}</a> · 12\n'
        "<script>const label = 'not shown';</script>{# a comment #}"
    )
    assert untranslated(source) == [(1, "Members"), (2, "Breadcrumb"), (3, "Pages of members")]
