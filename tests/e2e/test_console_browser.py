"""The web console (issue 16) in a real headless Chromium against the real system: a failed
sign-in says why, a rep signs in and sees their name and role and only their own customers
(searched, filtered, paged with the API's cursors), opens one customer's 360 page (its contacts,
timeline, deal, order, invoice and task; a stopped service's parts said to be unavailable, in
both languages), switches to 简体中文 (remembered across a reload, which asks to sign in again and
returns to the same screen); an account locked by failed sign-ins gets the 429 message.
Screenshots of each screen in artifacts/screenshots/ (tests/e2e/browser.py)."""
import time
import uuid

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.e2e.browser import console_errors, screenshot, start_chromium
from tests.e2e.client import Api

pytestmark = pytest.mark.e2e
SIGNED_IN = "header:not([hidden]) #current-user"
UNAVAILABLE = ("A part of the CRM is not available", "CRM 的部分服务暂时不可用")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def create_user(admin, role, **options):
    """admin.create_user, asked again after a 503: creating a user hashes its password (argon2,
    seconds of CPU), which can outlast the test system's 3 s deadline on a loaded machine. Each
    attempt is a new user (a new email), so one that did apply after all is only a spare."""
    deadline = time.monotonic() + 120
    while True:
        try:
            return admin.create_user(role, **options)
        except AssertionError as error:
            if "→ 503" not in str(error) or time.monotonic() > deadline:
                raise


@pytest.fixture(scope="module")
def reps(admin):
    """Rep A (three customers named with `marker`, one class A and tagged) and rep B, in another
    region, with a customer named alike — which rep A must never see."""
    region = f"Region-{uuid.uuid4().hex[:8]}"
    team = admin.create_team(name=f"Team {region}", region=region)
    password = f"pw-{uuid.uuid4().hex}"
    rep_a = create_user(admin, "sales_rep", region=region, team_id=team["id"], password=password)
    rep_b = create_user(admin, "sales_rep", region=f"Other-{uuid.uuid4().hex[:8]}")
    marker = f"Console{uuid.uuid4().hex[:6]}"
    mine = [rep_a.create_customer(name=f"{marker} {name}", region=region, value_class=klass)
            for name, klass in (("Alpha GmbH", "A"), ("Beta AG", "B"), ("Gamma KG", "C"))]
    admin.ok("POST", "tags", json={"name": marker}, expect=201)
    rep_a.ok("POST", "customers/tags", json={"customer_ids": [mine[0]["id"]], "tags": [marker]})
    rep_a.ok("POST", f"customers/{mine[0]['id']}/contacts", json={"name": "Li Wei", "role": "CEO"},
             expect=201)
    rep_a.ok("POST", f"customers/{mine[0]['id']}/interactions", expect=201,
             json={"kind": "call", "summary": "Discussed the renewal"})
    theirs = rep_b.create_customer(name=f"{marker} Hidden Ltd")
    return dict(a=rep_a, password=password, marker=marker, mine=mine, theirs=theirs,
                region=region, team=team, **business(admin, rep_a, mine[0]))


def business(admin, rep, customer):
    """The customer's won deal (imported with its history, as the demo loader does), its order
    and invoice (issued on a fixed day), and a call to make about it (due at a fixed time)."""
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Console kit {uuid.uuid4().hex[:6]}", "list_price": "1200.00", "currency": "USD"})
    name = f"Console deal {uuid.uuid4().hex[:6]}"
    answer = admin.ok("POST", "deals/import", json={"rows": [{
        "external_ref": f"console-{uuid.uuid4().hex[:8]}", "name": name, "customer_id": customer["id"],
        "owner_id": rep.user["id"], "currency": "USD",
        "lines": [{"product_id": product["id"], "quantity": 2}],
        "history": [{"stage": "initial_contact", "at": "2017-01-10T12:00:00Z"},
                    {"stage": "won", "at": "2017-02-14T12:00:00Z"}]}]})
    assert answer["created"] == 1, answer
    deal = {"id": answer["results"][0]["deal_id"], "name": name}
    order = rep.ok("POST", "orders", expect=201, json={"deal_id": deal["id"]})
    invoice = rep.ok("POST", "invoices", expect=201,
                     json={"order_id": order["id"], "issued_on": "2017-02-20"})
    task = rep.ok("POST", "tasks", expect=201, json={
        "title": f"Call about the renewal {uuid.uuid4().hex[:6]}", "kind": "call",
        "customer_id": customer["id"], "due_at": "2030-01-15T09:00:00Z"})
    return dict(deal=deal, order=order, invoice=invoice, task=task)


def wait(driver, condition, message, timeout=45):
    # A screen replaced between two looks (signed in while the form was being read): look again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)
                         ).until(lambda d: condition(d), message=message)


def text(driver, css):
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


def submit_login(driver, email, password):
    """Fills and sends the form; returns the error shown, or "" once signed in. A 503 (identity
    busy hashing passwords on a loaded machine) is sent again, as a person would."""
    deadline = time.monotonic() + 90
    while True:
        wait(driver, lambda d: d.find_elements(By.NAME, "email"), "the login form")
        for name, value in (("email", email), ("password", password)):
            element = driver.find_element(By.NAME, name)
            element.clear()
            element.send_keys(value)
        button = driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]")
        button.click()        # disabled until the answer: then signed in, or an error shown
        outcome = wait(driver, lambda d: ("signed in",) if d.find_elements(By.CSS_SELECTOR, SIGNED_IN)
                       else button.is_enabled() and (text(d, "#login-error"),), "the sign-in answer")[0]
        if outcome == "signed in":
            return ""
        if not outcome.startswith(UNAVAILABLE) or time.monotonic() > deadline:
            return outcome


def rows(driver):
    return [row.find_element(By.CSS_SELECTOR, "td.name").text
            for row in driver.find_elements(By.CSS_SELECTOR, "#customers-table tbody tr")]


def listed(driver, expected, message):
    # What was shown is read only on a timeout: read while the list is being redrawn, its rows
    # would be stale elements.
    try:
        wait(driver, lambda d: sorted(rows(d)) == sorted(expected) and not text(d, "#customers-status")
             .startswith(("Loading", "加载")), message)
    except TimeoutException:
        raise AssertionError(f"{message}: {expected}, shown {rows(driver)}") from None


def test_a_rep_signs_in_sees_only_their_customers_and_switches_to_chinese(system, browser, reps):
    rep, marker = reps["a"], reps["marker"]
    browser.get(f"{system.url}/console#/customers?q={marker}")
    wait(browser, lambda d: text(d, "h1") == "Sign in to the CRM", "the English login page")
    screenshot(browser, "01-login")

    assert submit_login(browser, rep.user["email"], "not the password") == (
        "The email or the password is not right.")
    screenshot(browser, "02-login-failed")

    assert submit_login(browser, rep.user["email"], reps["password"]) == ""
    assert text(browser, "#current-user").startswith(rep.user["name"])
    assert text(browser, "#current-role") == "Sales rep"
    names = [customer["name"] for customer in reps["mine"]]
    # The search matches rep B's customer too: only the API's scope keeps it out.
    listed(browser, names, "the rep's own customers, from the route kept through the login")
    assert reps["theirs"]["name"] not in rows(browser)
    assert not browser.find_elements(By.NAME, "owner_id")         # a rep picks no owner
    screenshot(browser, "03-customers")

    Select(browser.find_element(By.NAME, "value_class")).select_by_value("A")
    browser.find_element(By.CSS_SELECTOR, "#customer-filters button[type=submit]").click()
    listed(browser, names[:1], "class A only")
    Select(browser.find_element(By.NAME, "value_class")).select_by_value("")
    Select(browser.find_element(By.NAME, "tags_any")).select_by_value(marker)
    browser.find_element(By.CSS_SELECTOR, "#customer-filters button[type=submit]").click()
    listed(browser, names[:1], "the tagged customer only")

    browser.get(f"{system.url}/console#/customers?q={marker}&limit=2")   # the same page: no reload
    first = wait(browser, lambda d: len(rows(d)) == 2 and rows(d), "a first page of two")
    browser.find_element(By.ID, "next-page").click()
    wait(browser, lambda d: len(rows(d)) == 1, "the second page: the third customer")
    assert sorted(first + rows(browser)) == sorted(names)
    assert not browser.find_element(By.ID, "next-page").is_enabled()
    browser.find_element(By.ID, "previous-page").click()
    wait(browser, lambda d: rows(d) == first, "back on the first page")

    browser.get(f"{system.url}/console#/customers?q={marker}")
    listed(browser, names, "the list again")
    browser.find_element(By.LINK_TEXT, names[0]).click()
    wait(browser, lambda d: text(d, "#customer-name") == names[0], "the customer 360 page")
    wait(browser, lambda d: "Discussed the renewal" in text(d, "#timeline"), "the timeline")
    assert "Li Wei" in text(browser, "#contacts")
    details = text(browser, "#customer-details")
    assert "Class" in details and rep.user["name"] in details, details      # the owner, named
    # GET /customers/{id}/360's other parts: the deal, its order and invoice, the task.
    wait(browser, lambda d: reps["deal"]["name"] in text(d, "#customer-deals"), "the customer's deal")
    assert "Won" in text(browser, "#customer-deals") and "2400.00 USD" in text(browser, "#customer-deals")
    assert reps["order"]["number"] in text(browser, "#customer-orders")
    invoices = text(browser, "#customer-invoices")
    assert reps["invoice"]["number"] in invoices and "outstanding 2400.00 USD" in invoices, invoices
    tasks = text(browser, "#customer-tasks")
    assert reps["task"]["title"] in tasks and "Call" in tasks and "Open" in tasks, tasks
    assert browser.find_element(By.CSS_SELECTOR, "#customer-deals a").get_attribute("href").endswith(
        f"#/deals/{reps['deal']['id']}")
    screenshot(browser, "04-customer-360")

    Select(browser.find_element(By.ID, "language")).select_by_value("zh-CN")
    wait(browser, lambda d: text(d, "#details-title") == "客户信息", "the 360 page in Chinese")
    assert text(browser, "#current-role") == "销售代表"
    assert text(browser, 'header nav a[href="#/customers"]') == "客户管理"
    assert text(browser, "#timeline-title") == "互动历史" and "电话" in text(browser, "#timeline")
    assert text(browser, "#customer-deals-title") == "商机" and "赢单" in text(browser, "#customer-deals")
    assert text(browser, "#customer-tasks-title") == "任务" and "待办" in text(browser, "#customer-tasks")
    screenshot(browser, "05-customer-360-zh")
    browser.find_element(By.LINK_TEXT, "← 客户").click()
    wait(browser, lambda d: "客户名称" in text(d, "#customers-table thead"), "the list in Chinese")
    screenshot(browser, "06-customers-zh")

    browser.refresh()          # the token was in memory only: sign in again, in Chinese
    wait(browser, lambda d: text(d, "h1") == "登录 CRM", "the login page, language remembered")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert submit_login(browser, rep.user["email"], reps["password"]) == ""
    listed(browser, names, "the same screen after signing in again")
    assert not console_errors(browser), console_errors(browser)


def test_an_account_locked_by_failed_sign_ins_is_told_to_wait(system, admin, browser):
    password = f"pw-{uuid.uuid4().hex}"
    target = create_user(admin, "sales_rep", password=password)
    attempt = {"email": target.user["email"], "password": "a wrong guess!"}
    assert [Api(system.url).post("auth/token", json=attempt).status_code
            for _ in range(5)] == [401] * 5
    browser.get(f"{system.url}/console")
    shown = submit_login(browser, target.user["email"], password)
    assert shown.startswith(("Too many failed sign-ins. Try again in 15 minutes",
                             "登录失败次数过多，请在 15 分钟后重试")), shown
    screenshot(browser, "07-login-throttled")


def test_a_manager_picks_an_owner_among_their_team(system, admin, browser, reps):
    password = f"pw-{uuid.uuid4().hex}"
    manager = create_user(admin, "manager", region=reps["region"], team_id=reps["team"]["id"],
                          password=password)
    browser.get(f"{system.url}/console#/customers")   # not the dashboard, the landing
    browser.refresh()                                 # whoever was signed in is gone
    Select(wait(browser, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(browser, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(browser, manager.user["email"], password) == ""
    assert text(browser, "#current-role") == "Sales manager"
    owner = Select(wait(browser, lambda d: d.find_element(By.NAME, "owner_id"), "the owner filter"))
    assert reps["a"].user["name"] in [option.text for option in owner.options]
    owner.select_by_value(reps["a"].user["id"])
    browser.find_element(By.NAME, "q").send_keys(reps["marker"])
    browser.find_element(By.CSS_SELECTOR, "#customer-filters button[type=submit]").click()
    listed(browser, [customer["name"] for customer in reps["mine"]], "the rep's customers, for their manager")
    screenshot(browser, "08-customers-manager")


def test_a_rep_tags_the_customers_they_tick(system, browser, reps):
    rep, marker = reps["a"], reps["marker"]
    browser.get(f"{system.url}/console#/customers?q={marker}")
    browser.refresh()
    Select(wait(browser, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(browser, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(browser, rep.user["email"], reps["password"]) == ""
    beta, gamma = (customer["name"] for customer in reps["mine"][1:])
    listed(browser, [customer["name"] for customer in reps["mine"]], "the rep's customers")

    browser.find_element(By.ID, "tag-selected").click()                # nothing ticked yet
    wait(browser, lambda d: text(d, "#batch-tag-status") == "Select customers first.", "the hint")
    for name in (beta, gamma):
        browser.find_element(By.CSS_SELECTOR, f'input.pick[aria-label="Select {name}"]').click()
    browser.find_element(By.CSS_SELECTOR, "#batch-tag input[name=tags]").send_keys("T" * 51)
    browser.find_element(By.ID, "tag-selected").click()                # a tag is 50 at most
    wait(browser, lambda d: text(d, '#batch-tag .field-error[data-for="tags"]'), "the tag's error")

    tag = f"VIP-{marker}"
    field = browser.find_element(By.CSS_SELECTOR, "#batch-tag input[name=tags]")
    field.clear()
    field.send_keys(tag)
    browser.find_element(By.ID, "tag-selected").click()
    wait(browser, lambda d: text(d, "#customers-status") == f"2 customers tagged “{tag}”.", "done")
    tagged = {row.find_element(By.CSS_SELECTOR, "td.name").text
              for row in browser.find_elements(By.CSS_SELECTOR, "#customers-table tbody tr")
              if tag in row.text}
    assert tagged == {beta, gamma}
    screenshot(browser, "09-batch-tagged")
    assert sorted(c["name"] for c in rep.list_all("customers", {"tags_any": tag})) == sorted(tagged)


def test_a_field_error_sits_by_its_field_and_a_service_down_is_said_plainly(system, browser, reps):
    rep, marker = reps["a"], reps["marker"]
    browser.get(f"{system.url}/console#/customers")
    browser.refresh()
    Select(wait(browser, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(browser, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(browser, rep.user["email"], reps["password"]) == ""
    listed(browser, [customer["name"] for customer in reps["mine"]], "the rep's customers")

    region = browser.find_element(By.NAME, "region")
    region.send_keys("R" * 65)                        # the API allows 64 characters
    browser.find_element(By.CSS_SELECTOR, "#customer-filters button[type=submit]").click()
    error = wait(browser, lambda d: text(d, '.field-error[data-for="region"]'), "the region's error")
    assert "64" in error, error
    assert browser.find_element(By.NAME, "region").get_attribute("aria-invalid") == "true"
    screenshot(browser, "10-field-error")

    system.stop_service("customers")
    try:
        search = browser.find_element(By.NAME, "q")
        search.send_keys(marker)
        browser.find_element(By.NAME, "region").clear()
        browser.find_element(By.CSS_SELECTOR, "#customer-filters button[type=submit]").click()
        wait(browser, lambda d: text(d, "#customers-status").startswith(
            "A part of the CRM is not available right now."), "the 503 said plainly")
        assert browser.find_element(By.NAME, "q").get_attribute("value") == marker   # kept
        screenshot(browser, "11-service-unavailable")
    finally:
        system.start_service("customers")
    system.wait_ready()
    browser.find_element(By.CSS_SELECTOR, "#customer-filters button[type=submit]").click()
    listed(browser, [customer["name"] for customer in reps["mine"]], "the list once customers is back")


def test_a_manager_reassigns_a_customer_from_its_360_page(system, admin, browser, reps):
    password = f"pw-{uuid.uuid4().hex}"
    manager = create_user(admin, "manager", region=reps["region"], team_id=reps["team"]["id"],
                          password=password)
    alpha = reps["mine"][0]
    browser.get(f"{system.url}/console#/customers/{alpha['id']}")
    browser.refresh()
    wait(browser, lambda d: d.find_elements(By.NAME, "email"), "the login page")
    assert submit_login(browser, manager.user["email"], password) == ""
    wait(browser, lambda d: text(d, "#customer-name") == alpha["name"], "the 360 page after sign-in")
    owner = Select(wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#reassign-form select"),
                        "the reassign form"))
    assert owner.first_selected_option.get_attribute("value") == reps["a"].user["id"]
    owner.select_by_value(manager.user["id"])
    browser.find_element(By.ID, "reassign").click()
    wait(browser, lambda d: manager.user["name"] in text(d, "#customer-details"), "the new owner shown")
    screenshot(browser, "12-customer-reassigned")
    assert manager.ok("GET", f"customers/{alpha['id']}")["owner_id"] == manager.user["id"]


def test_a_stopped_service_is_said_in_its_parts_of_the_360_page(system, browser, reps):
    """Sales stopped: the 360 page still shows the customer, its contacts and timeline, and says
    in each of sales' parts (deals, quotes, orders, invoices, tasks) that it is not available —
    in English and in 简体中文. Signed in as the admin: the manager's test may have taken the
    customer over from rep A."""
    alpha = reps["mine"][0]
    sales_parts = ("deals", "quotes", "orders", "invoices", "tasks")
    browser.get(f"{system.url}/console#/customers/{alpha['id']}")
    browser.refresh()
    Select(wait(browser, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(browser, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(browser, system.admin_email, system.admin_password) == ""
    wait(browser, lambda d: reps["deal"]["name"] in text(d, "#customer-deals"), "the 360 page, sales up")
    system.stop_service("sales")
    try:
        browser.refresh()                      # signs in again: the token was in memory only
        assert submit_login(browser, system.admin_email, system.admin_password) == ""
        wait(browser, lambda d: text(d, "#customer-name") == alpha["name"], "the 360 page, sales down")
        for name in sales_parts:
            part = browser.find_element(By.ID, f"customer-{name}")
            assert part.get_attribute("data-state") == "unavailable", name
            assert "Not available right now" in part.text, (name, part.text)
        assert browser.find_element(By.ID, "customer-tickets").get_attribute("data-state") is None
        assert "Li Wei" in text(browser, "#contacts")
        assert "Discussed the renewal" in text(browser, "#timeline")
        screenshot(browser, "13-customer-360-sales-down")
        Select(browser.find_element(By.ID, "language")).select_by_value("zh-CN")
        wait(browser, lambda d: text(d, "#customer-deals-title") == "商机", "the 360 page in Chinese")
        assert "暂时无法显示" in text(browser, "#customer-deals")
        assert "暂时无法显示" in text(browser, "#customer-invoices")
        Select(browser.find_element(By.ID, "language")).select_by_value("en")
        wait(browser, lambda d: text(d, "#customer-deals-title") == "Deals", "back in English")
    finally:
        system.start_service("sales")
    system.wait_ready()
