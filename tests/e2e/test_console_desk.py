"""The console's desk screens (issue 16 §6–8) in a real headless Chromium against the real
system, sharing test_console_browser.py's browser helpers: an agent's ticket queue with SLA
badges in words (due, paused, and breached — a support manager's 60-second urgent policy for
class C customers on a 24/7 calendar, the one way the API makes a clock run out; the test
waits on the API's own answer, not on a timer), a ticket's page where the agent replies and
adds an internal note and sees the knowledge-base suggestion, in Chinese too; a rep's tasks due
today and overdue, one marked done; a marketer's campaigns with the results funnel and ROI, and
the segment builder's count equal to the API's. Screenshots in artifacts/screenshots/."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e.browser import console_errors, screenshot
from tests.e2e.test_console_browser import browser, create_user, submit_login, text, wait  # noqa: F401
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
TICKETS, SLA = "service-desk/tickets", "service-desk/sla"
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture(scope="module")
def desk(admin):
    """A support team's agent with three tickets of a class C customer: one due, one paused,
    one urgent under a 60-second first-response target (it breaches a minute after it opens);
    a rep owning the customer; a published article matching the due ticket's subject."""
    suffix = uuid.uuid4().hex[:8]
    region = f"Desk-{suffix}"
    team = admin.create_team(name=f"Support {suffix}")
    password = f"pw-{uuid.uuid4().hex}"
    agent = create_user(admin, "agent", team_id=team["id"], password=password)
    manager = create_user(admin, "support_manager")
    rep = create_user(admin, "sales_rep", region=region, password=password)
    customer = rep.create_customer(name=f"Desk {suffix} GmbH", region=region, value_class="C")
    contact = rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201,
                     json={"name": "Mei Chen", "role": "IT"})
    calendar = f"desk-{suffix}"
    manager.ok("PUT", f"{SLA}/calendars/{calendar}", json={"name": "24/7", "time_zone": "UTC",
                                                             "week": ALL_WEEK})
    manager.ok("POST", f"{SLA}/policies", json={
        "priority": "urgent", "value_class": "C", "first_response_seconds": 60,
        "resolution_seconds": 600, "calendar_id": calendar})

    def open_ticket(subject, priority):
        response = agent.post(TICKETS, json={"customer_id": customer["id"], "subject": subject,
                                             "contact_id": contact["id"], "priority": priority})
        return response.json() if response.status_code == 201 else None
    breaching = wait_until(lambda: open_ticket(f"Server down {suffix}", "urgent"), timeout=30,
                           message="the customer known to the service desk")
    clock = agent.ok("GET", f"{TICKETS}/{breaching['id']}/sla")
    assert (clock["value_class"], clock["first_response"]["allowed_seconds"]) == ("C", 60), clock
    due = open_ticket(f"Printer jams on every page {suffix}", "medium")
    paused = open_ticket(f"Invoice address wrong {suffix}", "medium")
    agent.ok("POST", f"{TICKETS}/{paused['id']}/replies", expect=201, json={"body": "Which one?"})
    agent.ok("POST", f"{TICKETS}/{paused['id']}/status", json={"status": "waiting_on_customer"})
    article = agent.ok("POST", "service-desk/knowledge/articles", expect=201, json={
        "title": f"Printer jams {suffix}: clearing the paper path", "body": "Open tray 2."})
    agent.ok("POST", f"service-desk/knowledge/articles/{article['id']}/status",
             json={"status": "published"})
    return dict(agent=agent, rep=rep, password=password, customer=customer, region=region,
                breaching=breaching, due=due, paused=paused, article=article)


def sign_in(browser, system, user, password, route):  # noqa: F811
    browser.get(f"{system.url}/console#{route}")
    browser.refresh()                                  # whoever was signed in is gone
    Select(wait(browser, lambda d: d.find_element(By.ID, "login-language"), "the login page")
           ).select_by_value("en")
    wait(browser, lambda d: text(d, "h1") == "Sign in to the CRM", "the login page in English")
    assert submit_login(browser, user.user["email"], password) == ""


def badges(browser):  # noqa: F811
    """{subject: (state, words)} of the queue's rows."""
    return {row.find_element(By.CSS_SELECTOR, "td.subject").text:
            (row.find_element(By.CSS_SELECTOR, ".badge").get_attribute("data-sla"),
             row.find_element(By.CSS_SELECTOR, ".badge").text)
            for row in browser.find_elements(By.CSS_SELECTOR, "#tickets-table tbody tr")}


def test_an_agent_sees_sla_badges_and_answers_a_ticket(system, browser, desk):  # noqa: F811
    agent, due, paused, breaching = desk["agent"], desk["due"], desk["paused"], desk["breaching"]
    sign_in(browser, system, agent, desk["password"], "/tickets")
    shown = wait(browser, lambda d: len(badges(d)) == 3 and badges(d), "the team's three tickets")
    assert shown[due["subject"]][0] == "due" and shown[due["subject"]][1].startswith("Due "), shown
    assert shown[paused["subject"]] == ("paused", "Paused"), shown
    assert wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#csat-figures, #csat-empty"),
                "the CSAT section")

    browser.find_element(By.LINK_TEXT, due["subject"]).click()
    wait(browser, lambda d: text(d, "#ticket-subject").startswith(due["subject"]), "the ticket page")
    wait(browser, lambda d: desk["article"]["title"] in text(d, "#kb-suggestions"), "the suggestion")
    browser.find_element(By.NAME, "body").send_keys("We are sending a technician tomorrow.")
    browser.find_element(By.ID, "send-reply").click()
    wait(browser, lambda d: "sending a technician" in text(d, "#ticket-entries"), "the reply shown")
    browser.find_element(By.NAME, "body").send_keys("Customer prefers mornings.")
    browser.find_element(By.ID, "add-note").click()
    wait(browser, lambda d: "prefers mornings" in text(d, "#ticket-entries .note"), "the note shown")
    entries = agent.ok("GET", f"{TICKETS}/{due['id']}/entries")["items"]
    assert [(e["kind"], e["body"]) for e in entries] == [
        ("reply", "We are sending a technician tomorrow."), ("note", "Customer prefers mornings.")]
    assert "Fulfilled" in text(browser, "#sla-targets")      # the first response was given

    Select(browser.find_element(By.ID, "language")).select_by_value("zh-CN")
    wait(browser, lambda d: text(d, "#conversation-title") == "回复与内部备注", "the ticket in Chinese")
    assert "内部备注" in text(browser, "#ticket-entries") and "按时完成" in text(browser, "#sla-targets")
    screenshot(browser, "ticket-zh")
    Select(browser.find_element(By.ID, "language")).select_by_value("en")

    # The urgent ticket's minute runs out; the API says so first, then the queue.
    wait_until(lambda: agent.ok("GET", f"{TICKETS}/{breaching['id']}/sla")["breached"], timeout=180,
               interval=1, message="the urgent ticket's first response breached")
    browser.get(f"{system.url}/console#/tickets?priority=urgent")
    wait(browser, lambda d: badges(d) == {breaching["subject"]: ("breached", "Breached")},
         "the breached badge")
    assert "sla-breached" in browser.find_element(By.CSS_SELECTOR, "#tickets-table .badge"
                                                  ).get_attribute("class")
    browser.get(f"{system.url}/console#/tickets")
    wait(browser, lambda d: len(badges(d)) == 3, "the whole queue again")
    screenshot(browser, "tickets-en")
    assert not console_errors(browser), console_errors(browser)


def test_a_rep_sees_tasks_due_today_and_overdue_and_marks_one_done(system, browser, desk):  # noqa: F811
    rep, customer = desk["rep"], desk["customer"]
    now = datetime.now(timezone.utc)
    end_of_today = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
    today_due = min(now + timedelta(hours=1), end_of_today - timedelta(seconds=1))

    def task(title, due_at):
        return rep.ok("POST", "tasks", expect=201, json={
            "title": title, "kind": "call", "customer_id": customer["id"], "due_at": due_at.isoformat()})
    overdue = task(f"Call back {customer['name']}", datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    today = task(f"Send the quote to {customer['name']}", today_due)
    later = task(f"Renewal talk {customer['name']}", end_of_today + timedelta(days=3))

    sign_in(browser, system, rep, desk["password"], "/tasks")

    def rows(d):
        return {row.find_element(By.CSS_SELECTOR, "td.title strong").text:
                row.find_element(By.CSS_SELECTOR, ".badge").text
                for row in d.find_elements(By.CSS_SELECTOR, "#tasks-table tbody tr")}
    shown = wait(browser, lambda d: overdue["title"] in rows(d) and rows(d), "the rep's tasks")
    assert shown == {overdue["title"]: "Overdue", today["title"]: "Due today"}, shown
    assert later["title"] not in shown
    screenshot(browser, "tasks-en")
    browser.find_element(By.CSS_SELECTOR, f'#tasks-table tr[data-id="{today["id"]}"] button.done').click()
    wait(browser, lambda d: text(d, "#tasks-status") == f"“{today['title']}” is done.", "done said")
    assert rows(browser) == {overdue["title"]: "Overdue"}
    assert rep.ok("GET", f"tasks/{today['id']}")["status"] == "done"


def test_a_marketer_builds_a_segment_and_reads_a_campaigns_results(system, admin, browser, desk):  # noqa: F811
    password = f"pw-{uuid.uuid4().hex}"
    marketer = create_user(admin, "marketer", password=password)
    region = desk["region"]
    audience = wait_until(lambda: len(marketer.ok("GET", "marketing/audience", params={
        "customer_id": desk["customer"]["id"]})["items"]) == 2, timeout=30,
        message="the customer and its contact in the audience")
    assert audience
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Spring fair {region}", "channel": "event", "currency": "EUR", "budget": "500.00"})
    url = f"marketing/campaigns/{campaign['id']}"
    marketer.ok("POST", f"{url}/costs", expect=201, json={"amount": "200.00", "description": "Booth"})
    marketer.ok("PATCH", url, json={"starts_at": "2027-03-01T09:00:00+00:00"})
    for status in ("scheduled", "running"):
        marketer.ok("POST", f"{url}/status", json={"to": status})
    marketer.ok("POST", f"{url}/responses", expect=201, json={
        "name": "Visitor", "email": f"visitor-{region.lower()}@fair.example", "create_lead": False})
    wait_until(lambda: marketer.ok("GET", f"{url}/results")["responses"] == 1, timeout=30,
               message="the response counted")

    sign_in(browser, system, marketer, password, "/campaigns")
    wait(browser, lambda d: d.find_elements(By.LINK_TEXT, campaign["name"]), "the campaign listed")
    name = f"Region {region}"
    browser.find_element(By.CSS_SELECTOR, "#segment-builder input[name=name]").send_keys(name)
    Select(browser.find_element(By.CSS_SELECTOR, ".condition select[name=field]")).select_by_value("region")
    Select(browser.find_element(By.CSS_SELECTOR, ".condition select[name=op]")).select_by_value("eq")
    browser.find_element(By.CSS_SELECTOR, ".condition input[name=value]").send_keys(region)
    browser.find_element(By.ID, "count-segment").click()
    count = wait(browser, lambda d: d.find_element(By.ID, "segment-count").get_attribute("data-ready")
                 == "true" and text(d, "#segment-count"), "the segment counted")
    saved = [s for s in marketer.list_all("marketing/segments") if s["name"] == name]
    assert len(saved) == 1 and saved[0]["evaluation"]["status"] == "ready", saved
    assert int(count) == saved[0]["member_count"] == 2
    screenshot(browser, "campaigns-en")

    browser.find_element(By.LINK_TEXT, campaign["name"]).click()
    wait(browser, lambda d: text(d, "#campaign-name") == campaign["name"], "the campaign's page")
    results = marketer.ok("GET", f"{url}/results")
    steps = {row.get_attribute("data-step"): row.find_element(By.CSS_SELECTOR, "td.count").text
             for row in browser.find_elements(By.CSS_SELECTOR, "#campaign-funnel tr")}
    assert steps["sent"] == str(results["sent"]) and steps["responded"] == "1" == str(results["responses"])
    roi = {row.get_attribute("data-model"): row.find_element(By.CSS_SELECTOR, "td.roi").text
           for row in browser.find_elements(By.CSS_SELECTOR, "#campaign-roi tbody tr")}
    assert roi and all(roi[model] == f"{float(results['attribution'][model]['roi']) * 100:.1f} %"
                       for model in roi), (roi, results["attribution"])
    screenshot(browser, "campaign-results-en")
    assert not console_errors(browser), console_errors(browser)
