"""Every word a template shows passes through gettext, so the portal can speak its users' languages.

A guard over the template files themselves: it fails on visible English outside {% translate %} and
{% blocktranslate %}, on an accessible name (aria-label, title, placeholder, alt) written as a literal, and on
a literal sentence handed to an included template, naming the file and line of each. A second guard reads the
Python of the apps: a refusal, a message, or a form's label or help written as a bare sentence.
"""

import ast
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


# The apps' own Python; migrations are history, and management commands speak to whoever runs them.
APPS = ("assessments", "cco_portal", "metrics", "reports", "roadmap")
NOT_SHOWN = {"migrations", "management"}
# What reaches a person: a refusal's first argument, a message's text, and a form or model field's words (which
# forms show). An API serializer's help_text is its OpenAPI description, English documentation for developers.
REFUSALS = {"ValidationError", "PermissionDenied", "NotFound", "ParseError"}
MESSAGES = {"success", "error", "warning", "info", "debug"}
FIELD_WORDS = {"label", "help_text", "verbose_name", "empty_label"}


def _sentences(node: ast.AST):
    """The bare sentences in an argument: a literal with words and a space, an f-string, or either inside `%` or a
    dict of messages by field."""
    is_sentence = isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value.strip()
    if is_sentence or isinstance(node, ast.JoinedStr):
        yield node
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        yield from _sentences(node.left)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _sentences(value)


def untranslated_python(source: str, *, is_api: bool = False) -> list[tuple[int, str]]:
    """(line, text) of each sentence handed to a person without gettext."""
    found = []
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        shown = []
        if name in REFUSALS:
            shown += call.args[:1]
        if name in MESSAGES and getattr(getattr(call.func, "value", None), "id", "") == "messages":
            shown += call.args[1:2]
        words = FIELD_WORDS - {"help_text"} if is_api else FIELD_WORDS
        shown += [keyword.value for keyword in call.keywords if keyword.arg in words]
        found += [(node.lineno, ast.unparse(node)) for argument in shown for node in _sentences(argument)]
    return sorted(found)


def test_every_sentence_the_python_hands_a_person_is_marked_for_translation():
    faults = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {text}"
        for app in APPS
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
        if not NOT_SHOWN & set(path.parts)
        for line, text in untranslated_python(path.read_text(encoding="utf-8"), is_api="api" in path.parts)
    ]
    assert not faults, "Mark these for translation (gettext, with named placeholders):\n" + "\n".join(faults)


def test_the_python_guard_finds_bare_sentences_and_passes_translated_ones():
    source = (
        "raise ValidationError('Choose a month.')\n"
        "raise ValidationError({'month': f'No data for {month}.'})\n"
        "messages.success(request, _('Saved.'))\n"
        "messages.error(request, 'Could not save it.' % {})\n"
        "name = forms.CharField(label='Your name', help_text=_('As colleagues know you.'))\n"
        "logger.error('Import %s failed', pk)\n"
        "raise ValidationError(_('Choose %(what)s.') % {'what': what})\n"
    )
    assert untranslated_python(source) == [
        (1, "'Choose a month.'"),
        (2, "f'No data for {month}.'"),
        (4, "'Could not save it.'"),
        (5, "'Your name'"),
    ]
    assert untranslated_python("x = serializers.CharField(help_text='The id of it.')", is_api=True) == []
