"""Accessibility basics of the console (issue 16, Tests): on every screen, in a real headless
Chromium against the real system, each control a person can use — inputs, selects, text areas,
buttons, links — has an accessible name (its label, aria-label or aria-labelledby, its text or
title), every chart says what it shows (an SVG with role img has a title or aria-label) and
the page says its language. The pipeline board's keyboard moves are tested with the board
(test_console_sales.py)."""
import uuid

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.browser import console_errors
from tests.e2e import test_console_browser as console
from tests.e2e.test_console_browser import submit_login, text, wait

browser = console.browser                    # this module's Chromium, the session's system

pytestmark = pytest.mark.e2e

# Every visible control without an accessible name (the parts of the accessible-name rules a
# screen built from labels, aria attributes and texts uses), and every chart without a title.
UNNAMED = """
const named = (el) => {
  const by = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent || "").join(" ");
  const labels = el.labels ? [...el.labels].map((label) => label.textContent).join(" ") : "";
  const own = ["BUTTON", "A", "SUMMARY"].includes(el.tagName) || el.getAttribute("role") === "button"
    ? el.textContent : "";
  const value = ["submit", "button", "reset"].includes(el.type) ? el.value : "";
  return [el.getAttribute("aria-label"), by, labels, own, el.title, value, el.alt]
    .some((name) => (name || "").trim());
};
const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
const controls = document.querySelectorAll(
  "main input:not([type=hidden]), main select, main textarea, main button, main a[href], " +
  "main [role=button], header input, header select, header button, header a[href]");
const unnamed = [...controls].filter((el) => visible(el) && !named(el))
  .map((el) => el.outerHTML.slice(0, 160));
const charts = [...document.querySelectorAll("main svg")].filter((svg) => visible(svg)
    && svg.getAttribute("aria-hidden") !== "true"
    && !(svg.getAttribute("aria-label") || svg.querySelector("title")?.textContent || "").trim())
  .map((svg) => svg.outerHTML.slice(0, 160));
return {unnamed, charts, lang: document.documentElement.lang};
"""


@pytest.fixture(scope="module")
def records(admin):
    customer = admin.create_customer(name=f"Access {uuid.uuid4().hex[:6]} GmbH")
    return {"customer": customer}


def drawn(driver, screen):
    """The screen is drawn: no loading placeholder left and something in main."""
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "main .loading")
         and text(d, "main").strip(), f"{screen} drawn")


def test_every_control_is_named_and_every_chart_titled_on_every_screen(system, browser, records):
    browser.get(f"{system.url}/console#/dashboard")
    browser.refresh()
    assert submit_login(browser, system.admin_email, system.admin_password) == ""
    screens = ["dashboard", "customers", "customers/new", f"customers/{records['customer']['id']}",
               "pipeline", "leads", "tickets", "tasks", "campaigns"]
    found = {}
    for screen in screens:
        browser.get(f"{system.url}/console#/{screen}")
        drawn(browser, screen)
        result = browser.execute_script(UNNAMED)
        assert result["lang"] in ("en", "zh-CN"), result["lang"]
        if result["unnamed"] or result["charts"]:
            found[screen] = result
    assert not found, found
    assert not console_errors(browser)
