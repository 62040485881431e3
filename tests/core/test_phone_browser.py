"""Phone-sized screens in a real Chromium, in Finnish, Swedish and English (issue 16, item 8).

Before: tables became stacked cells without their column names, the business ID broke at its hyphen, long words
broke inside headings, the coordinator's menu took three rows and a required field's asterisk sat on a line of
its own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from network.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from network.extensions import db
from network.meetings.models import Meeting
from network.orgs.models import Organisation
from tests.support.browser import serious_axe_violations

pytestmark = pytest.mark.browser

LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
WIDTHS = (320, 390)
LOGIN = {"fi": ("Sähköposti", "Salasana", "Kirjaudu sisään"), "sv": ("E-post", "Lösenord", "Logga in"),
         "en": ("E-mail", "Password", "Log in")}

# JavaScript helpers run in the page.
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
# Words of the element's text that are wider than the element itself (they can only fit by breaking inside).
TOO_WIDE_WORDS = """(el) => {
  const style = getComputedStyle(el);
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
  probe.style.font = style.font;
  probe.style.letterSpacing = style.letterSpacing;
  document.body.appendChild(probe);
  const width = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const wide = el.innerText.split(/\\s+/).filter((word) => {
    probe.textContent = word;
    return probe.getBoundingClientRect().width > width + 0.5;
  });
  probe.remove();
  return wide;
}"""
# Business IDs (1234567-8) in the page that are drawn on more than one line.
BROKEN_IDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let found = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const match = /\\d{7}-\\d/.exec(node.textContent);
    if (!match || !node.parentElement.offsetParent) continue;
    found += 1;
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    if (tops.size > 1) broken.push(match[0]);
  }
  return {found, broken};
}"""
# Visible cells of data tables whose column name is not shown with them.
UNLABELLED_CELLS = """() => {
  const missing = [];
  let cells = 0;
  for (const table of document.querySelectorAll('main table')) {
    const head = table.tHead && table.tHead.rows[0];
    if (!head) continue;
    const names = Array.from(head.cells).map((c) => c.textContent.replace(/\\s+/g, ' ').trim());
    const headVisible = head.getBoundingClientRect().height > 1;
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      Array.from(row.cells).forEach((cell, i) => {
        if (!names[i] || cell.colSpan >= names.length) return;
        cells += 1;
        const before = getComputedStyle(cell, '::before').content;
        if (!headVisible && before !== JSON.stringify(names[i])) missing.push(names[i] + ': ' + cell.innerText);
      });
    }
  }
  return {cells, missing};
}"""
# Required-field asterisks that are not on the same line as the end of their label's text.
LONELY_ASTERISKS = """() => Array.from(document.querySelectorAll('.field .required')).filter((star) => {
  const label = star.closest('.field').querySelector('label');
  const range = document.createRange();
  range.selectNodeContents(label);
  if (label.contains(star)) range.setEndBefore(star);
  const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
  const last = rects[rects.length - 1];
  return !last || Math.abs(last.top - star.getBoundingClientRect().top) > 4;
}).map((star) => star.closest('.field').querySelector('label').textContent.trim())"""


@pytest.fixture
def demo(app):
    assert load_demo()
    meeting = db.session.scalars(select(Meeting).where(Meeting.minutes.is_not(None)).order_by(Meeting.id)).first()
    org = db.session.scalars(select(Organisation).where(Organisation.business_id.is_not(None))
                             .order_by(Organisation.id)).first()
    return {"meeting": meeting.id, "org": org.id}


def _public_pages(demo) -> list[str]:
    return ["/", "/meetings", f"/meetings/{demo['meeting']}", "/groups", "/posts", "/organisations",
            f"/organisations/{demo['org']}", "/subscribe", "/register", "/privacy", "/accessibility"]


def _choose(page, language: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name=LANGUAGES[language]).click()  # a visitor's switch is links
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == language


def _log_in_coordinator(page, language: str) -> None:
    email_label, password_label, button = LOGIN[language]
    page.goto("/login")
    page.get_by_label(email_label).fill(DEMO_LOGINS[0][1])
    page.get_by_label(password_label, exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def _layout_problems(page, path: str) -> list[str]:
    problems = []
    if page.evaluate(SIDEWAYS) > 0:
        problems.append(f"{path} scrolls sideways")
    for selector in ("h1", "h2", ".site-name"):
        for heading in page.locator(selector).all():
            if heading.is_visible() and (wide := heading.evaluate(TOO_WIDE_WORDS)):
                problems.append(f"{path}: {selector} words wider than the screen: {wide}")
    ids = page.evaluate(BROKEN_IDS)
    if ids["broken"]:
        problems.append(f"{path}: business IDs broken across lines: {ids['broken']}")
    cells = page.evaluate(UNLABELLED_CELLS)
    if cells["missing"]:
        problems.append(f"{path}: table cells without their column name: {cells['missing'][:3]}")
    if lonely := page.evaluate(LONELY_ASTERISKS):
        problems.append(f"{path}: asterisk on a line of its own after {lonely}")
    return problems


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_public_pages_on_phone_widths(page, demo, language):
    _choose(page, language)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 740})
        for path in _public_pages(demo):
            page.goto(path)
            assert page.evaluate("document.documentElement.lang") == language
            # Long words may hyphenate: the page says its language and the text asks for it.
            assert page.evaluate("getComputedStyle(document.querySelector('main')).hyphens") == "auto"
            problems += _layout_problems(page, f"{path} @{width}px")
            if width == WIDTHS[0]:
                problems += [f"{path} @{width}px: {v}" for v in serious_axe_violations(page)]
    assert not problems, problems


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_coordinator_pages_and_menu_on_phone_widths(page, demo, language):
    _choose(page, language)
    _log_in_coordinator(page, language)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 740})
        page.goto("/admin/organisations")
        cells = page.evaluate(UNLABELLED_CELLS)
        assert cells["cells"] > 20, "the register's table has rows"
        ids = page.evaluate(BROKEN_IDS)
        assert ids["found"] >= 1, "the register shows business IDs"
        problems += _layout_problems(page, f"/admin/organisations @{width}px")
        problems += [f"/admin/organisations @{width}px: {v}" for v in serious_axe_violations(page)]

        # The menu is one button high until opened; opened, every entry is reachable; Escape closes it.
        toggle = page.locator(".main-nav__toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        nav_height = page.locator(".main-nav").bounding_box()["height"]
        assert nav_height < 70, f"collapsed menu is {nav_height}px high at {width}px"
        admin_link = page.locator(".main-nav .account-nav a[href='/admin']")
        assert not admin_link.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert admin_link.is_visible()
        problems += [f"menu open @{width}px: {v}" for v in serious_axe_violations(page)]
        admin_link.focus()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('main-nav__toggle')")
    assert not problems, problems


def test_business_id_stays_whole_where_table_columns_are_narrow(page, demo):
    _log_in_coordinator(page, "fi")
    for width in (320, 390, 700, 800):
        page.set_viewport_size({"width": width, "height": 740})
        page.goto("/admin/organisations")
        ids = page.evaluate(BROKEN_IDS)
        assert ids["found"] and not ids["broken"], (width, ids)


def test_wide_screen_keeps_the_menu_and_table_as_they_were(page, demo):
    _log_in_coordinator(page, "fi")
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto("/admin/organisations")
    assert not page.locator(".main-nav__toggle").is_visible()
    assert page.locator(".main-nav .account-nav a[href='/admin']").is_visible()
    assert page.locator("main table thead").first.bounding_box()["height"] > 10


LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { total += entry.value; } }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


def test_the_phone_layout_is_drawn_once_however_late_the_script_comes(page, demo):
    """Lighthouse's layout shift (issue 16): the collapsed menu and the directory's labelled cells are drawn from the
    start, so nothing moves when static/js/site.js arrives late (delayed here by a second, as on a busy server)."""
    def late(route):
        page.wait_for_timeout(1000)
        route.continue_()

    page.route("**/static/js/site.js*", late)
    page.set_viewport_size({"width": 390, "height": 740})
    for path in ("/", "/organisations"):
        page.goto(path, wait_until="load")
        assert page.locator(".main-nav__toggle").is_visible(), path
        assert page.evaluate(LAYOUT_SHIFT) < 0.01, path
