"""Accessibility basics of the console (issue 16, Tests): on every screen, in a real headless
Chromium against the real system, each control a person can use — inputs, selects, text areas,
buttons, links — has an accessible name (its label, aria-label or aria-labelledby, its text or
title), every chart says what it shows (an SVG with role img has a title or aria-label), the
page says its language, and the header's screens are reached with the Tab key alone. The
pipeline board's keyboard moves are tested with the board (test_console_sales.py)."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

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


def test_the_screens_are_reached_with_the_keyboard(system, browser):
    browser.get(f"{system.url}/console#/customers")
    drawn(browser, "customers")
    links = {link.get_attribute("href") for link in
             browser.find_elements(By.CSS_SELECTOR, "header nav a[href]")}
    assert len(links) >= 5, links
    # Keys go to whatever has the focus, as a person's would: from the top of the page, Tab.
    browser.execute_script("document.activeElement && document.activeElement.blur();"
                           "window.scrollTo(0, 0);")
    reached = set()
    for _ in range(60):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused = browser.switch_to.active_element
        if focused.tag_name == "a" and focused.get_attribute("href") in links:
            reached.add(focused.get_attribute("href"))
        if reached == links:
            break
    assert reached == links, links - reached
    target = sorted(links)[0]
    for link in browser.find_elements(By.CSS_SELECTOR, "header nav a[href]"):
        if link.get_attribute("href") == target:
            link.send_keys(Keys.ENTER)        # followed by the keyboard as by a click
            break
    fragment = target.split("#", 1)[1]
    wait(browser, lambda d: d.current_url.endswith("#" + fragment), f"{fragment} opened by Enter")
