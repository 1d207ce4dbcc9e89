"""No page of the portal has a serious or critical accessibility fault that axe-core finds, for any role, on a
1366 px laptop or a 390 px phone (issue 15).

axe-core comes from npm (tests/e2e/package-lock.json, installed by bin/setup-browser) and is loaded by the test
only. The pages are every page a role may open (tests/e2e/pages.py), so a new page is checked without being
named; the number of pages checked is printed at the end of the module.
"""

import time
from pathlib import Path

import pytest

from cco_portal.organizations.roles import Role
from tests.e2e.conftest import PHONE
from tests.e2e.pages import candidate_paths, pages_open_to, populate_for_every_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"laptop": {"width": 1366, "height": 768}, "phone": PHONE}
SEVERE = {"serious", "critical"}
# Only the violations are read: leaving out the passes' and the incomplete checks' details makes each run quicker.
AXE_OPTIONS = {"resultTypes": ["violations"]}
RUN_AXE = "async (options) => (await axe.run(document, options)).violations"
# Enough of the offending elements to find the fault; the rest are the same fault repeated.
NODES_SHOWN = 5


@pytest.fixture(scope="module")
def checked_pages(request):
    """Every (role, width, path) checked by the module, counted in the terminal when it ends."""
    checked: list[tuple] = []
    started = time.monotonic()
    yield checked
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and checked:
        # Written past pytest's capture, which would otherwise show it only when a test failed.
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\naxe-core checked {len(checked)} page views ({len({path for *_, path in checked})} pages, "
                f"{len({role for role, *_ in checked})} roles, {len(WIDTHS)} widths) in "
                f"{time.monotonic() - started:.0f} s"
            )


def _describe(violation: dict, path: str, width: str) -> str:
    nodes = violation["nodes"]
    lines = [f"{violation['id']} ({violation['impact']}) on {path} at {width}: {violation['help']}"]
    for node in nodes[:NODES_SHOWN]:
        summary = node.get("failureSummary", "").replace("\n", " ")
        lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}\n      {summary[:300]}")
    if len(nodes) > NODES_SHOWN:
        lines.append(f"    … and {len(nodes) - NODES_SHOWN} more")
    return "\n".join(lines)


@pytest.mark.parametrize("role", ["signed-out", *Role])
def test_no_page_has_a_serious_accessibility_fault(role, organization, browser, live_server, sign_in, checked_pages):
    """Given the populated organization, when axe-core checks every page that `role` may open at laptop and
    phone width, then it finds no serious or critical violation; a failure names the rule, the page and the
    offending elements."""
    assert AXE.exists(), "axe-core is missing: run bin/setup-browser"
    objects, users = populate_for_every_role(organization)
    user = users.get(role)
    pages = pages_open_to(user, candidate_paths(organization, objects))
    assert pages, f"no page answers {role}"
    faults = []
    for width, viewport in WIDTHS.items():
        # The portal's Content-Security-Policy refuses scripts it did not send, axe-core among them.
        context = browser.new_context(viewport=viewport, locale="en-GB", reduced_motion="reduce", bypass_csp=True)
        page = context.new_page()
        if user is not None:
            sign_in(page, user, pages[0])
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response is not None, path
            assert response.status == 200, (path, response.status)
            page.add_script_tag(path=AXE)
            violations = page.evaluate(RUN_AXE, AXE_OPTIONS)
            faults += [_describe(v, path, width) for v in violations if v["impact"] in SEVERE]
            checked_pages.append((role, width, path))
        context.close()
    assert faults == [], f"{len(faults)} serious or critical accessibility faults:\n" + "\n".join(faults)
