"""The console's leads and deals (issue 16, screen 5) in a real headless Chromium against the
session's system: a lead created after a field error, edited, qualified and converted into a
customer and a deal; on the deal, a quote sent and accepted, then contract, order, invoice and
its payment (a payment above the balance refused beside its field) — each checked in the API.
And a deal dragged to lost on the board asks for the reason before it moves."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e import test_console_browser as console
from tests.e2e import test_console_sales as sales
from tests.e2e.browser import console_errors, screenshot

pytestmark = pytest.mark.e2e
browser, seller = console.browser, sales.seller       # this module's Chromium and rep
wait, text = console.wait, console.text


def type_into(driver, form, values):
    for name, value in values.items():
        element = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#{form} [name={name}]"), name)
        element.clear()
        element.send_keys(value)


def click(driver, css):
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, css), css).click()


def click_and_reload(driver, css):
    """Clicks what re-reads the record, and waits until the screen is drawn again: a later look
    would otherwise find the previous drawing's elements (same ids), about to be replaced."""
    button = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, css), css)
    title = driver.find_element(By.CSS_SELECTOR, "#main h1")          # the button's screen's title
    button.click()
    WebDriverWait(driver, 45).until(staleness_of(title), message=f"the screen redrawn after {css}")
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#main h1"), "the redrawn screen")


def test_a_lead_becomes_a_deal_and_the_deal_goes_from_quote_to_payment(system, browser, seller):
    rep, product, tag = seller["rep"], seller["product"], uuid.uuid4().hex[:6]
    company = f"Compilers {tag}"
    sales.sign_in(browser, system, seller, "/leads")
    type_into(browser, "lead-new", {"contact_name": "Grace Hopper", "contact_email": "grace@",
                                    "company_name": company})
    click(browser, "#create-lead")
    said = wait(browser, lambda d: text(d, '#lead-new .field-error[data-for="contact_email"]'), "the error")
    assert "email" in said.lower(), said
    type_into(browser, "lead-new", {"contact_email": f"grace-{tag}@navy.example"})
    click(browser, "#create-lead")
    wait(browser, lambda d: text(d, "#lead-name") == "Grace Hopper", "the new lead's page")
    lead_id = browser.current_url.rsplit("/", 1)[1]

    type_into(browser, "lead-edit", {"industry": "Software"})
    click_and_reload(browser, "#save-lead")
    wait(browser, lambda d: rep.ok("GET", f"leads/{lead_id}")["industry"] == "Software", "the edit saved")
    for status, shown in (("contacted", "Contacted"), ("qualified", "Qualified")):
        click_and_reload(browser, f'#lead-status button[data-status="{status}"]')
        wait(browser, lambda d: text(d, "#lead-summary").startswith(shown), f"the lead {status}")
    screenshot(browser, "lead-qualified")

    click(browser, f'#lead-convert [name=product_id] option[value="{product["id"]}"]')
    type_into(browser, "lead-convert", {"quantity": "2"})
    click(browser, "#convert-lead")
    wait(browser, lambda d: text(d, "#deal-name") == company, "the deal the lead became")
    deal_id = browser.current_url.rsplit("/", 1)[1]
    assert "2000.00 EUR" in text(browser, "#deal-details")
    assert rep.ok("GET", f"leads/{lead_id}")["status"] == "converted"

    click_and_reload(browser, "#new-quote")
    click_and_reload(browser, "#deal-quotes button[id^=send-]")
    click_and_reload(browser, "#deal-quotes button[id^=accept-]")
    wait(browser, lambda d: "Accepted" in text(d, "#deal-quotes"), "the quote accepted")
    rep.ok("POST", f"deals/{deal_id}/stage", json={"stage": "won"})        # the board's job (its tests)
    browser.execute_script("window.dispatchEvent(new HashChangeEvent('hashchange'))")
    for button, part in (("sign-contract", "contracts"), ("place-order", "orders"),
                         ("issue-invoice", "invoices")):
        click_and_reload(browser, f"#{button}")
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"#deal-{part} li"), f"the {part}")
    type_into(browser, "payment", {"amount": "2000.01"})                   # above the balance
    click(browser, "#record-payment")
    refused = wait(browser, lambda d: text(d, '#payment .field-error[data-for="amount"]'), "the refusal")
    assert refused == "At most 2000.00 EUR is outstanding.", refused
    assert browser.find_element(By.NAME, "amount").get_attribute("value") == "2000.01"   # kept
    type_into(browser, "payment", {"amount": "2000.00"})
    click_and_reload(browser, "#record-payment")
    wait(browser, lambda d: "Paid" in text(d, "#deal-invoices"), "the invoice paid")
    screenshot(browser, "deal-quote-to-payment")
    [invoice] = rep.ok("GET", "invoices", params={"deal_id": deal_id})["items"]
    assert (invoice["status"], invoice["outstanding"], invoice["total"]) == ("paid", "0.00", "2000.00")
    assert not console_errors(browser), console_errors(browser)


def test_a_deal_dragged_to_lost_asks_for_the_reason_first(system, browser, seller):
    rep, keys = seller["rep"], seller["deals"]["keys"]
    sales.sign_in(browser, system, seller, f"/pipeline?product_id={seller['product']['id']}")
    card = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f'[data-deal="{keys["id"]}"]'), "the card")
    browser.execute_script(sales.DRAG, card, sales.column(browser, "lost"))
    asked = f"Say why “{keys['name']}” was lost, then press Move."
    wait(browser, lambda d: text(d, "#pipeline-error") == asked, "the reason asked for")
    reason = browser.switch_to.active_element
    assert reason.get_attribute("name") == "lost_reason"
    assert keys["name"] in sales.cards(browser, "initial_contact")               # not moved yet
    reason.send_keys("Budget went to a competitor\n")
    wait(browser, lambda d: keys["name"] in sales.cards(d, "lost"), "the deal lost")
    deal = rep.ok("GET", f"deals/{keys['id']}")
    assert (deal["stage"], deal["lost_reason"]) == ("lost", "Budget went to a competitor")
