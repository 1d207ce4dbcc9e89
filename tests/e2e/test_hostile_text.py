"""Long and hostile text breaks no page (issue 15): with every text a user can set filled with a 300-character
word, right-to-left script, combining marks, emoji sequences and markup, no page scrolls sideways at laptop or
phone width, and none of the markup runs or becomes an element.

The fields are found by walking the apps' models, so a new text field is filled without being named here; the
pages are every page of the portal (tests/e2e/pages.py). Screenshots of the pages that show the most of it:
tests/artifacts/e2e-hostile-text-*.png.
"""

from itertools import count

import pytest
from django.apps import apps
from django.db import models

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE, sideways_overflow
from tests.e2e.pages import candidate_paths, pages_open_to, populate_for_every_role, rebuild_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": {"width": 1366, "height": 768}, "phone": PHONE}

MARKUP = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1">'
LONG_WORD = ("Kundenbeziehungsmanagement" * 12)[:300]
# Twelve combining marks on every letter, as "Zalgo" text stacks them.
ZALGO = "".join(letter + "".join(chr(0x0300 + (ord(letter) * 7 + i) % 0x70) for i in range(12)) for letter in "Zalgo")
HOSTILE = [
    LONG_WORD,
    "عميلنا الأهم في الشمال — הלקוח החשוב ביותר שלנו",
    ZALGO,
    # A family, a woman technologist of medium skin tone, a rainbow flag, people holding hands: joined by ZWJ.
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \U0001f469\U0001f3fd\u200d\U0001f4bb "
    "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f9d1\U0001f3ff\u200d\U0001f91d\u200d\U0001f9d1\U0001f3fb",
    MARKUP,
]
# A long address that is still an address, for the fields that must hold one (people sign in with it).
LONG_EMAIL_LOCAL = "first.middle.last.name.of.the.customer.success.team".ljust(58, "x")
LONG_EMAIL_DOMAIN = "customer-success-department." * 6 + "example.com"

APPS = {"accounts", "organizations", "audit", "assessments", "roadmap", "metrics", "reports"}
# Content the portal ships (loaded by data migrations), which no user sets.
REFERENCE_MODELS = {"assessments.Questionnaire", "assessments.Section", "assessments.Question", "roadmap.Competency"}
# Text fields that hold no text a user writes. Fields with choices are enums and are left out as such.
NOT_USER_TEXT = {
    "accounts.User.password": "a password hash",
    "organizations.Organization.slug": "the organization's part of every address, a slug",
    "metrics.ActivityImport.sha256": "the digest of the imported file",
    "metrics.DataSource.secret": "encrypted credentials, never shown",
    "roadmap.StageFeed.feed_key": "the key of a data source, chosen from the list the metrics app offers",
    "metrics.DataSource.schedule": "a crontab expression, validated by the form and read by the scheduler",
    "metrics.DataSource.target": "an import kind, validated by the form",
    "metrics.DataSource.mode": "an import mode, validated by the form",
    "metrics.ColumnMapping.kind": "an import kind, validated by the form",
    "metrics.ColumnMapping.column": "one of the portal's own column names",
    "metrics.FigureOwner.figure": "one of the bridge's figures",
    "reports.Report.task_id": "the id Celery gave the computation",
    "reports.MeetingSeries.time_zone": "an IANA time zone, chosen from the list and checked by the service",
    "reports.Meeting.time_zone": "an IANA time zone, taken from the series",
}

# Whether a page ran the injected markup or made elements of it, and how much of the long word it shows. A
# script element of data (json_script) may hold the text, escaped; only one that would run counts.
INJECTED = """() => ({
  pwned: typeof window.pwned !== "undefined",
  elements: [...document.querySelectorAll('img[src="x"], script')]
    .filter((element) => element.tagName === "IMG" || (/^$|javascript|module/.test(element.type)
      && element.textContent.includes("pwned")))
    .map((element) => element.outerHTML),
  shown: document.body.innerText.split("Kundenbeziehungs").length - 1,
})"""
# The innermost elements that reach past the window's right edge, outside any box that scrolls or clips them:
# where a page that scrolls sideways breaks, named with their nearest ancestors.
TOO_WIDE = """() => {
  const past = (element) => element.getBoundingClientRect().right > window.innerWidth + 0.5;
  const clipped = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (element) => `${element.tagName.toLowerCase()}${[...element.classList].map((c) => "." + c).join("")}`;
  const path = (element) => {
    const names = [];
    for (let box = element; box && box !== document.body && names.length < 4; box = box.parentElement) {
      names.unshift(name(box));
    }
    return names.join(" > ");
  };
  return [...document.body.querySelectorAll("*")]
    .filter((element) => past(element) && ![...element.children].some(past) && !clipped(element))
    .slice(0, 3)
    .map(path);
}"""
SCREENSHOTS = 3


def user_text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and f"{model._meta.label}.{field.name}" not in NOT_USER_TEXT
    ]


def hostile_value(field: models.Field, row_pk: int, turn: int) -> str:
    """Every kind of hostile text, starting with a different one at each `turn`, within the field's max_length;
    the row's id in front keeps the values of unique fields apart."""
    if isinstance(field, models.EmailField):
        return f"{row_pk}.{LONG_EMAIL_LOCAL}"[:64] + "@" + LONG_EMAIL_DOMAIN
    pieces = HOSTILE[turn % len(HOSTILE) :] + HOSTILE[: turn % len(HOSTILE)]
    return f"{row_pk}·{' '.join(pieces)}"[: field.max_length]


def fill_every_user_text_field() -> set[str]:
    """Overwrite every user text field of every row of the apps' models; returns the fields filled."""
    filled, turns = set(), count()
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.label in REFERENCE_MODELS or model._meta.proxy:
            continue
        fields = user_text_fields(model)
        for pk in model._base_manager.values_list("pk", flat=True) if fields else []:
            model._base_manager.filter(pk=pk).update(**{f.name: hostile_value(f, pk, next(turns)) for f in fields})
            filled |= {f"{model._meta.label}.{field.name}" for field in fields}
    return filled


def test_hostile_text_breaks_no_page(organization, new_page, sign_in, live_server, screenshot):
    """Given the populated organization with every user text field filled with hostile text, when every page
    is opened at laptop and phone width by someone who may open it, then each still answers, none scrolls
    sideways, window.pwned stays undefined and the markup makes no element; the browser reports no error (a
    blocked inline script among them)."""
    objects, users = populate_for_every_role(organization)
    paths = candidate_paths(organization, objects)
    # Asked before the text is filled: a page that hostile text breaks must fail, not drop out of the list. Each
    # page is opened once, by the first of these who may: the admin may open nearly all.
    by_whom: dict = {}
    for role in (Role.ADMIN, Role.EXECUTIVE, Role.CCO, Role.LEADERSHIP, None):
        opened = {path for pages in by_whom.values() for path in pages}
        pages = [path for path in pages_open_to(users.get(role), paths) if path not in opened]
        if pages:
            by_whom[role] = pages

    filled = fill_every_user_text_field()
    rebuild_report(objects["report"])
    assert {
        "organizations.Organization.name",
        "accounts.User.full_name",
        "assessments.Round.title",
        "assessments.Answer.comment",
        "roadmap.Milestone.title",
        "roadmap.Milestone.description",
        "roadmap.OperationalArea.name",
        "metrics.Charter.intent",
        "metrics.Customer.external_id",
        "metrics.Customer.segment",
        "metrics.LostReason.reason",
        "reports.CustomerRoomAction.title",
    } <= filled

    problems, shown = [], {}
    for width, viewport in WIDTHS.items():
        for role, pages in by_whom.items():
            page = new_page(viewport)
            if role is not None:
                users[role].refresh_from_db()
                sign_in(page, users[role], pages[0])
            for path in pages:
                response = page.goto(live_server.url + path)
                if response is None or response.status != 200:
                    problems.append(f"{path} at {width} answers {response and response.status}")
                    continue
                injected = page.evaluate(INJECTED)
                if injected["pwned"] or injected["elements"]:
                    problems.append(f"{path} at {width} ran or built the markup: {injected}")
                overflow = sideways_overflow(page)
                if overflow > 0:
                    problems.append(f"{path} at {width} is {overflow} px too wide: {page.evaluate(TOO_WIDE)}")
                shown[(width, role, path)] = injected["shown"]
    for width in WIDTHS:
        admin_pages = [key for key in shown if key[0] == width and key[1] == Role.ADMIN]
        worst = sorted(admin_pages, key=lambda key: -shown[key])[:SCREENSHOTS]
        page = new_page(WIDTHS[width])
        sign_in(page, users[Role.ADMIN], worst[0][2])
        for _, _, path in worst:
            page.goto(live_server.url + path)
            screenshot(page, f"hostile-text-{path.strip('/').replace('/', '-')}-{width}")
    assert problems == [], "\n".join(problems)
