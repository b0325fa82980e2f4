"""The console's sales screens (issue 16, screens 3 and 9) in a real headless Chromium against
the session's system (tests/e2e/conftest.py), sharing test_console_browser.py's helpers: the
pipeline board's columns equal GET /pipeline; a deal dragged to won moves the won column, the
revenue report and the dashboard's revenue total; an illegal move (a rep reopening a won deal)
says the service's reason and the card goes back; a card moves by keyboard; the filters narrow
the board; it speaks Chinese. A new customer keeps what was typed across a 422, a 503 and
leaving the screen.

Chromedriver cannot perform a native HTML5 drag (a known WebDriver limitation), so the drag is
the browser's own DragEvents dispatched on the card and the column — the page's handlers run
exactly as for a mouse."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.e2e import test_console_browser as console
from tests.e2e.browser import console_errors, screenshot
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
browser = console.browser                    # this module's Chromium, the session's system
wait, text, submit_login = console.wait, console.text, console.submit_login
DRAG = """
const [card, column] = arguments, data = new DataTransfer();
const fire = (target, type) => target.dispatchEvent(
  new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
fire(card, "dragstart"); fire(column, "dragenter"); fire(column, "dragover"); fire(column, "drop");
fire(card, "dragend");
"""


@pytest.fixture(scope="module")
def seller(admin):
    """A rep with deals of a product of their own: one in negotiation, one won, two at the
    start (one closing later than the others)."""
    password = f"pw-{uuid.uuid4().hex}"
    rep = console.create_user(admin, "sales_rep", region=f"Region-{uuid.uuid4().hex[:8]}",
                              password=password)
    tag = uuid.uuid4().hex[:6]
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Board {tag}", "list_price": "1000.00", "currency": "EUR"})
    customer = rep.create_customer(name=f"Board customer {tag}")

    def deal(name, quantity, closes="2030-06-30", *stages):
        made = rep.ok("POST", "deals", expect=201, json={
            "name": f"{name} {tag}", "customer_id": customer["id"], "currency": "EUR",
            "expected_close_date": closes, "lines": [{"product_id": product["id"], "quantity": quantity}]})
        for stage in stages:
            made = rep.ok("POST", f"deals/{made['id']}/stage", json={"stage": stage})
        return made
    deals = {"hot": deal("Hot", 3, "2030-06-30", "needs_analysis", "proposal", "negotiation"),
             "closed": deal("Closed", 2, "2030-06-30", "won"),
             "keys": deal("Keys", 1), "late": deal("Late", 5, "2031-03-31")}
    return dict(rep=rep, password=password, product=product, deals=deals)


def sign_in(driver, system, seller, route):
    driver.get(f"{system.url}/console#{route}")
    driver.refresh()                                  # whoever was signed in is gone
    Select(wait(driver, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(driver, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(driver, seller["rep"].user["email"], seller["password"]) == ""


def column(driver, stage):
    return driver.find_element(By.CSS_SELECTOR, f'section.column[data-stage="{stage}"]')


def cards(driver, stage):
    return [card.find_element(By.TAG_NAME, "strong").text for card in
            driver.find_elements(By.CSS_SELECTOR, f'section.column[data-stage="{stage}"] article.deal')]


def board_shown(driver, api):
    """Waits until every column's count, sum and weighted sum are the API's board."""
    def same(d):
        for stage in api["stages"]:
            totals = stage["totals"] or [{"amount": "0.00", "weighted_amount": "0.00", "currency": ""}]
            wanted = (str(stage["count"]), " ".join(f"{t['amount']} {t['currency']}".strip() for t in totals),
                      " ".join(f"{t['weighted_amount']} {t['currency']}".strip() for t in totals))
            found = tuple(text(d, f'section.column[data-stage="{stage["key"]}"] dd.{name}').replace("\n", " ")
                          for name in ("count", "sum", "weighted"))
            if found != wanted:
                return False
        return True
    wait(driver, same, "the board's figures equal GET /pipeline")


def won_revenue(rep):
    """The rep's won revenue in EUR (reports/sales/revenue, the last 30 days, which hold today)."""
    answer = rep.ok("GET", "reports/sales/revenue", params={"granularity": "total"})
    return answer["totals"]["by_currency"].get("EUR", {}).get("revenue")


def dashboard_total(driver, deal):
    """The dashboard's revenue total on the UTC days around when `deal` was won (its own
    closed_at, not today's date: a run across midnight keeps its window)."""
    day = datetime.fromisoformat(deal["closed_at"]).astimezone(timezone.utc).date()
    route = f"#/dashboard?from={day}&to={day + timedelta(days=1)}"
    driver.execute_script("location.hash = arguments[0]", route)
    return wait(driver, lambda d: text(d, "#dashboard-revenue-total"), "the dashboard's revenue total")


def test_a_deal_dragged_to_won_moves_the_won_column_the_revenue_report_and_the_dashboard(
        system, browser, seller):
    rep, hot, closed = seller["rep"], seller["deals"]["hot"], seller["deals"]["closed"]
    mine = {"product_id": seller["product"]["id"]}
    wait_until(lambda: won_revenue(rep) == "2000.00", timeout=60, message="the won deal reported")
    sign_in(browser, system, seller, f"/pipeline?product_id={mine['product_id']}")
    assert dashboard_total(browser, closed) == "2000.00 EUR"
    browser.back()
    board_shown(browser, rep.ok("GET", "pipeline", params=mine))
    assert cards(browser, "won") == [closed["name"]] and cards(browser, "negotiation") == [hot["name"]]
    assert text(browser, 'section.column[data-stage="won"] dd.sum') == "2000.00 EUR"
    screenshot(browser, "pipeline-en")

    browser.execute_script(DRAG, browser.find_element(By.CSS_SELECTOR, f'[data-deal="{hot["id"]}"]'),
                           column(browser, "won"))
    wait(browser, lambda d: text(d, "#pipeline-status") == f"“{hot['name']}” moved to Won.", "the move said")
    after = rep.ok("GET", "pipeline", params=mine)
    assert next(s for s in after["stages"] if s["key"] == "won")["count"] == 2
    board_shown(browser, after)
    assert text(browser, 'section.column[data-stage="won"] dd.sum') == "5000.00 EUR"
    assert sorted(cards(browser, "won")) == sorted([hot["name"], closed["name"]])
    wait_until(lambda: won_revenue(rep) == "5000.00", timeout=60, message="the revenue report follows")
    assert dashboard_total(browser, closed) == "5000.00 EUR"
    screenshot(browser, "dashboard-after-won")
    assert not console_errors(browser), console_errors(browser)


def test_an_illegal_move_says_the_services_reason_and_the_card_goes_back(system, browser, seller):
    closed = seller["deals"]["closed"]
    sign_in(browser, system, seller, f"/pipeline?product_id={seller['product']['id']}")
    card = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f'[data-deal="{closed["id"]}"]'),
                "the card")
    browser.execute_script(DRAG, card, column(browser, "negotiation"))
    said = wait(browser, lambda d: text(d, "#pipeline-error"), "the refusal")
    assert said == "The deal is won; only a manager or an admin may reopen or re-close it.", said
    assert closed["name"] in cards(browser, "won") and closed["name"] not in cards(browser, "negotiation")
    assert seller["rep"].ok("GET", f"deals/{closed['id']}")["stage"] == "won"
    screenshot(browser, "pipeline-illegal-move")


def test_a_card_moves_by_keyboard_and_the_filters_narrow_the_board(system, browser, seller):
    rep, keys, late = seller["rep"], seller["deals"]["keys"], seller["deals"]["late"]
    sign_in(browser, system, seller, f"/pipeline?product_id={seller['product']['id']}")
    card = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f'[data-deal="{keys["id"]}"]'),
                "the card")
    card.send_keys(Keys.ARROW_RIGHT)                       # the focused card, one stage on
    wait(browser, lambda d: keys["name"] in cards(d, "needs_analysis"), "moved by the arrow key")
    focused = browser.switch_to.active_element             # the focus stays on the moved card
    assert focused.get_attribute("data-deal") == keys["id"]
    Select(focused.find_element(By.NAME, "stage")).select_by_value("proposal")
    focused.find_element(By.CSS_SELECTOR, "form.move button").send_keys(Keys.ENTER)
    wait(browser, lambda d: keys["name"] in cards(d, "proposal"), "moved with the list and Enter")
    assert rep.ok("GET", f"deals/{keys['id']}")["stage"] == "proposal"
    picker = browser.find_element(By.CSS_SELECTOR, f'[data-deal="{keys["id"]}"] select')
    assert picker.get_attribute("aria-label") == f"Move {keys['name']} to"

    browser.find_element(By.NAME, "close_from").send_keys("03/01/2031")   # the date field's en-US order
    browser.find_element(By.CSS_SELECTOR, "#pipeline-filters button[type=submit]").click()
    wait(browser, lambda d: "close_from=2031-03-01" in d.current_url and not cards(d, "proposal")
         and cards(d, "initial_contact") == [late["name"]], "only the deal closing after March 2031")
    board_shown(browser, rep.ok("GET", "pipeline", params={"product_id": seller["product"]["id"],
                                                           "close_from": "2031-03-01"}))

    Select(browser.find_element(By.ID, "language")).select_by_value("zh-CN")
    wait(browser, lambda d: text(d, "h1") == "销售漏斗" and text(d, "#stage-won-title").startswith("赢单"),
         "the board in Chinese")
    screenshot(browser, "pipeline-zh")
    Select(browser.find_element(By.ID, "language")).select_by_value("en")
    assert not console_errors(browser), console_errors(browser)


def test_a_new_customer_with_a_field_error_then_fixed_loses_nothing_typed(system, browser, seller):
    rep, name = seller["rep"], f"Neukunde {uuid.uuid4().hex[:6]} GmbH"
    sign_in(browser, system, seller, "/customers")
    wait(browser, lambda d: d.find_element(By.ID, "new-customer"), "the new-customer link").click()
    for field, value in (("name", name), ("email", "not-an-email"), ("industry", "Machinery")):
        wait(browser, lambda d: d.find_element(By.NAME, field), field).send_keys(value)
    browser.find_element(By.ID, "create-customer").click()
    said = wait(browser, lambda d: text(d, '#customer-new .field-error[data-for="email"]'),
                "the email's error")
    assert "email" in said.lower(), said
    assert browser.find_element(By.NAME, "email").get_attribute("aria-invalid") == "true"
    assert text(browser, "#customer-new-status") == "Some fields need your attention."
    assert browser.find_element(By.NAME, "name").get_attribute("value") == name
    screenshot(browser, "customer-create-error")

    browser.find_element(By.CSS_SELECTOR, 'header nav a[href="#/customers"]').click()   # away and back
    wait(browser, lambda d: d.find_element(By.ID, "new-customer"), "the customers list").click()
    kept = wait(browser, lambda d: d.find_element(By.NAME, "email").get_attribute("value"), "the kept form")
    assert kept == "not-an-email" and browser.find_element(By.NAME, "name").get_attribute("value") == name
    email = browser.find_element(By.NAME, "email")
    email.clear()
    email.send_keys("einkauf@neukunde.example")
    system.stop_service("customers")
    try:
        browser.find_element(By.ID, "create-customer").click()
        wait(browser, lambda d: text(d, "#customer-new-status").startswith(
            "A part of the CRM is not available right now."), "the 503 said plainly")
        values = [browser.find_element(By.NAME, n).get_attribute("value")
                  for n in ("name", "email", "industry")]
        assert values == [name, "einkauf@neukunde.example", "Machinery"]
    finally:
        system.start_service("customers")
    system.wait_ready()
    browser.find_element(By.ID, "create-customer").click()
    wait(browser, lambda d: text(d, "#customer-name") == name, "the new customer's 360 page")
    [created] = rep.ok("GET", "customers", params={"q": name})["items"]
    assert (created["email"], created["industry"], created["owner_id"]) == (
        "einkauf@neukunde.example", "Machinery", rep.user["id"])
    assert not console_errors(browser), console_errors(browser)
