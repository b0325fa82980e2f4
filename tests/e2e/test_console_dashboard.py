"""The console's dashboard (issue 16, screen 2) in a real headless Chromium against the shared
e2e system: a manager signs in and lands on it, on the latest year their team has won deals in
(2017 here, like the demo data — not on empty charts); the revenue total, revenue per month,
funnel, win rate per rep, target attainment (a missed target marked at risk) and receivables
ageing equal the reports API for the same period; another period (a quarter) changes them,
again as the API says; the dashboard in 简体中文; a rep sees only their own figures and the service
desk and marketing panels as not available for the role; with the browser's clock in 2027 and in
2036 (no won deals in the last ten years) it still opens on 2017, listed among the years.
Screenshots dashboard-en.png and dashboard-zh.png in artifacts/screenshots/ (tests/e2e/browser.py)."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e.browser import console_errors, fixed_clock, screenshot
from tests.e2e.test_console_browser import create_user, submit_login, text, wait
from tests.e2e import test_console_browser
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
YEAR = {"from": "2017-01-01", "to": "2017-12-31"}
FIRST_QUARTER = {"from": "2017-01-01", "to": "2017-03-31"}
browser = test_console_browser.browser          # the same module-scoped Chromium fixture


def imported(rep, customer, ref, price, quantity, stages, lost_reason=None):
    """A deal row for POST /deals/import: its stage history at the given days (noon UTC)."""
    row = {"external_ref": f"dash-{ref}-{uuid.uuid4().hex[:8]}", "name": f"Dashboard deal {ref}",
           "customer_id": customer["id"], "owner_id": rep.user["id"], "currency": "USD",
           "lines": [{"product_id": price["id"], "quantity": quantity}],
           "history": [{"stage": stage, "at": f"{day}T12:00:00Z"} for stage, day in stages]}
    return {**row, "lost_reason": lost_reason} if lost_reason else row


@pytest.fixture(scope="module")
def team(admin):
    """A manager and two reps of a new team, with deals closed in 2016 and 2017 (imported with
    their history, as the demo loader does): rep A won 3,000.00 in February 2017 and lost one in
    April, won 1,000.00 in 2016; rep B won 2,501.00 in August 2017 and has one open."""
    region = f"Region-{uuid.uuid4().hex[:8]}"
    group = admin.create_team(name=f"Team {region}", region=region)
    password = f"pw-{uuid.uuid4().hex}"
    people = {role: create_user(admin, kind, region=region, team_id=group["id"], password=password)
              for role, kind in (("manager", "manager"), ("a", "sales_rep"), ("b", "sales_rep"))}
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Dashboard kit {uuid.uuid4().hex[:6]}", "list_price": "1000.00", "currency": "USD"})
    pricier = admin.ok("POST", "products", expect=201, json={
        "name": f"Dashboard kit XL {uuid.uuid4().hex[:6]}", "list_price": "1250.50", "currency": "USD"})
    rep_a, rep_b = people["a"], people["b"]
    mine, theirs = rep_a.create_customer(region=region), rep_b.create_customer(region=region)
    first = "initial_contact"
    rows = [
        imported(rep_a, mine, "a-won", product, 3, [(first, "2017-01-10"), ("won", "2017-02-14")]),
        imported(rep_a, mine, "a-lost", product, 1, [(first, "2017-03-01"), ("lost", "2017-04-20")],
                 lost_reason="price"),
        imported(rep_a, mine, "a-2016", product, 1, [(first, "2016-10-01"), ("won", "2016-11-20")]),
        imported(rep_b, theirs, "b-won", pricier, 2, [(first, "2017-05-02"), ("won", "2017-08-08")]),
        imported(rep_b, theirs, "b-open", product, 1, [(first, "2017-06-01"), ("proposal", "2017-06-09")]),
    ]
    answer = admin.ok("POST", "deals/import", json={"rows": rows})
    assert answer["created"] == len(rows), answer
    # Invoiced in 2017: on 31 December rep A's is 11 days overdue, rep B's 113 (ageing 90+).
    deal_ids = {row["external_ref"]: result["deal_id"] for row, result in zip(rows, answer["results"])}
    for rep, row, issued in ((rep_a, rows[0], "2017-11-20"), (rep_b, rows[3], "2017-08-10")):
        rep.ok("POST", "invoices", expect=201,
               json={"deal_id": deal_ids[row["external_ref"]], "issued_on": issued})
    for rep, start, amount in ((rep_a, "2017-01-01", "10000.00"), (rep_b, "2017-07-01", "2000.00")):
        people["manager"].ok("POST", "targets", json={
            "period_kind": "quarter", "period_start": start, "scope": "rep", "scope_value": rep.user["id"],
            "measure": "won_revenue", "amount": amount, "currency": "USD"})
    revenue = {"granularity": "month", **YEAR}
    wait_until(lambda: revenue_total(people["manager"], revenue) == "5501.00 USD", timeout=60,
               message="reporting to count the imported deals")
    wait_until(lambda: len(people["manager"].ok("GET", "reports/sales/targets")["rows"]) == 2, timeout=60,
               message="reporting to know the targets")
    wait_until(lambda: ageing(people["manager"], "2017-12-31")["Over 90 days"] == "2501.00 USD", timeout=60,
               message="reporting to know the invoices")
    return dict(people, password=password)


def revenue_total(client, period):
    """The revenue report's totals as the dashboard shows them (per currency, as sent)."""
    report = client.ok("GET", "reports/sales/revenue", params={**period, "granularity": "month"})
    return " · ".join(f"{v['revenue']} {c}" for c, v in report["totals"]["by_currency"].items())


def win_rates(client, period):
    """The win-rate report's rows as the dashboard's table shows them."""
    report = client.ok("GET", "reports/sales/win-rate",
                       params={**period, "granularity": "total", "group_by": "owner_id"})
    return sorted([row["owner_name"], f"{row['win_rate'] * 100:.2f} %", f"{row['won']} of {row['closed']}"]
                  for row in report["rows"])


AGES = {"Not yet due": None, "1–30 days": "1-30", "31–60 days": "31-60", "61–90 days": "61-90",
        "Over 90 days": "90+"}


def ageing(client, as_of):
    """The receivables report's USD balances by age, as the dashboard's table names them."""
    report = client.ok("GET", "reports/sales/receivables", params={"as_of": as_of, "limit": 0})
    row = next((row for row in report["rows"] if row["currency"] == "USD"), None)
    if not row:
        return {}
    return {name: f"{row['current'] if key is None else row['aging'][key]['amount']} USD"
            for name, key in AGES.items()}


def table(driver, figure):
    """The rows of a chart's data table (its cells' text, whether the table is open or not)."""
    return sorted(driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
        ".map((row) => [...row.cells].map((cell) => cell.textContent))", f"#{figure}"))


def whole_page_screenshot(driver, name):
    """The screenshot of every panel: the window as tall as the page for the shot."""
    size = driver.get_window_size()
    width, height = size["width"], size["height"]
    page = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(height, page + 140))
    try:
        screenshot(driver, name)
    finally:
        driver.set_window_size(width, height)


def loaded(driver):
    return driver.find_elements(By.ID, "dashboard") and not driver.find_elements(
        By.CSS_SELECTOR, "#dashboard [aria-busy=true]")


def sign_in(driver, url, person, password):
    driver.get(f"{url}/console")
    driver.refresh()                                  # whoever was signed in is gone
    Select(wait(driver, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(driver, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(driver, person.user["email"], password) == ""
    wait(driver, loaded, "the dashboard, every panel drawn")


def test_a_manager_sees_the_reports_figures_for_the_period_they_pick(system, browser, team):
    manager = team["manager"]
    sign_in(browser, system.url, manager, team["password"])
    assert browser.current_url.endswith("/console") or "#/dashboard" in browser.current_url
    assert text(browser, "h1") == "Dashboard"
    note = text(browser, "#dashboard-note")
    assert "2017-01-01" in note and "2017 is the latest year with won deals" in note, note
    assert text(browser, "#dashboard-revenue-total") == revenue_total(manager, YEAR) == "5501.00 USD"
    assert table(browser, "chart-win-rate") == win_rates(manager, YEAR)
    assert sorted(row[1:] for row in table(browser, "chart-win-rate")) == [["100.00 %", "1 of 1"],
                                                                            ["50.00 %", "1 of 2"]]
    revenue = {row[0]: row[1] for row in table(browser, "chart-revenue")}
    assert len(revenue) == 12 and revenue["2017-02"] == "3000.00 USD" and revenue["2017-08"] == "2501.00 USD"
    funnel = {row[0]: row[1:] for row in table(browser, "chart-funnel")}
    assert funnel == {"Won": ["2", "5501.00 USD"], "Lost": ["1", "1000.00 USD"],
                      "Proposal / quote": ["1", "1000.00 USD"]}, funnel
    assert browser.find_element(By.CSS_SELECTOR, "#chart-revenue svg title").get_attribute("textContent")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart-revenue svg circle.point")) == 12
    assert "3000.00 USD" in browser.find_element(By.CSS_SELECTOR, "#chart-revenue svg").text
    # Attainment from the targets report; rep A's quarter ended at 30 %: at risk (sales' pace).
    attained = {row[0].split(" · ")[0]: row[1:] for row in table(browser, "chart-targets")}
    receivables = {row[0]: row[1] for row in table(browser, "chart-receivables-USD")}
    assert receivables == ageing(manager, "2017-12-31")
    assert (receivables["1–30 days"], receivables["Over 90 days"]) == ("3000.00 USD", "2501.00 USD")
    for panel in ("sla", "csat", "roi"):                  # a manager may read these reports
        assert browser.find_element(By.ID, f"panel-{panel}").get_attribute("data-state") is None, panel
    risk = "At risk: behind the pace the period needs"
    assert attained == {team["a"].user["name"]: ["30.00 %", f"3000.00 USD / 10000.00 USD · {risk}"],
                        team["b"].user["name"]: ["125.05 %", "2501.00 USD / 2000.00 USD"]}, attained
    marked = browser.find_elements(By.CSS_SELECTOR, "#chart-targets tr.marked th, #chart-targets .at-risk")
    assert len(marked) == 2 and team["a"].user["name"] in marked[0].get_attribute("textContent")
    whole_page_screenshot(browser, "dashboard-en")

    Select(browser.find_element(By.ID, "dashboard-year")).select_by_value("2017")
    Select(browser.find_element(By.ID, "dashboard-quarter")).select_by_value("1")
    browser.find_element(By.CSS_SELECTOR, "#dashboard-period button[type=submit]").click()
    wait(browser, lambda d: "from=2017-01-01&to=2017-03-31" in d.current_url and loaded(d)
         and text(d, "#dashboard-revenue-total") == "3000.00 USD", "the first quarter's figures")
    assert text(browser, "#dashboard-revenue-total") == revenue_total(manager, FIRST_QUARTER)
    assert table(browser, "chart-win-rate") == win_rates(manager, FIRST_QUARTER)

    Select(browser.find_element(By.ID, "language")).select_by_value("zh-CN")
    wait(browser, lambda d: text(d, "h1") == "仪表盘" and loaded(d), "the dashboard in Chinese")
    assert text(browser, "#panel-funnel-title") == "销售漏斗"
    assert text(browser, "#panel-win-rate-title") == "销售代表赢单率"
    assert text(browser, "#dashboard-revenue-total") == "3000.00 USD"
    assert "仪表盘" in text(browser, "header nav")
    whole_page_screenshot(browser, "dashboard-zh")
    Select(browser.find_element(By.ID, "language")).select_by_value("en")
    wait(browser, lambda d: text(d, "h1") == "Dashboard", "back in English")
    assert not console_errors(browser), console_errors(browser)


def test_a_rep_sees_only_their_own_figures(system, browser, team):
    rep = team["a"]
    sign_in(browser, system.url, rep, team["password"])
    assert "2017 is the latest year" in text(browser, "#dashboard-note")
    assert text(browser, "#dashboard-revenue-total") == revenue_total(rep, YEAR) == "3000.00 USD"
    assert table(browser, "chart-win-rate") == win_rates(rep, YEAR) == [
        [rep.user["name"], "50.00 %", "1 of 2"]]
    assert {row[0]: row[1] for row in table(browser, "chart-receivables-USD")} == ageing(rep, "2017-12-31")
    assert ageing(rep, "2017-12-31")["Over 90 days"] == "0.00 USD"          # rep B's invoice: not theirs
    assert team["b"].user["name"] not in text(browser, "#dashboard")
    for panel in ("sla", "csat", "roi"):                  # the API answers a rep 403 for these
        section = browser.find_element(By.ID, f"panel-{panel}")
        assert section.get_attribute("data-state") == "not-available", panel
        assert "Not available for your role." in section.text
    whole_page_screenshot(browser, "dashboard-rep")
    assert not console_errors(browser), console_errors(browser)


@pytest.mark.parametrize("instant", ["2027-03-01T09:00:00Z", "2036-06-01T09:00:00Z"])
def test_years_later_the_dashboard_still_opens_on_the_latest_year_with_deals(system, browser, team, instant):
    """The reports answer ten years at once: from 2027 the deals of 2017 are in the second
    ten-year window looked into; from 2036 the year is also older than the year list's own."""
    manager = team["manager"]
    with fixed_clock(browser, instant):
        sign_in(browser, system.url, manager, team["password"])
        assert browser.execute_script("return new Date().toISOString()")[:10] == instant[:10]
        note = text(browser, "#dashboard-note")
        assert "2017-01-01" in note and "2017 is the latest year with won deals" in note, note
        assert text(browser, "#dashboard-revenue-total") == revenue_total(manager, YEAR) == "5501.00 USD"
        assert {row[0]: row[1] for row in table(browser, "chart-receivables-USD")} == ageing(
            manager, "2017-12-31")
        year = Select(browser.find_element(By.ID, "dashboard-year"))
        assert year.first_selected_option.get_attribute("value") == "2017"
        listed = [option.get_attribute("value") for option in year.options]
        assert listed[:2] == ["", instant[:4]] and listed[-1] == "2017", listed
        assert not console_errors(browser), console_errors(browser)
