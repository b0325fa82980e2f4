"""A small SYNTHETIC set on top of the Maven dataset (called by scripts/load_demo.py after the
import), so that every screen of the console has something to work on: the dataset holds
sales only (users, accounts, products, deals). Everything here is made up by this module — no
record of it comes from the dataset — and is labelled so: tag `demo-synthetic` on tickets,
articles and tasks' notes, "(demo)" in the names of the segment and the campaign, and the
loader's report (`extras`, "synthetic": true).

Through the public API only, as the admin and as the synthetic staff themselves:
- staff: a support agent and a support manager in a support team (tickets are queued by team:
  an agent sees the team's queue), and a marketer — the demo password, emails as the reps';
- service desk: 15 tickets on demo customers (Darcel Schlecht's and Vicki Laflamme's accounts,
  so those reps see them in the customer 360) in every status — new, open, waiting on the customer / a third
  party, resolved, closed — with replies, notes, a customer's reply, every priority; two
  published knowledge-base articles, one linked as a ticket's solution. Satisfaction surveys
  are created on each resolution, but their answer needs the signed link that is only mailed
  to the customer (the API never shows it, and the demo customers have no address): no survey
  is answered, so CSAT stays empty (said in the report);
- marketing: a dynamic segment (retail customers of the East office) and a running "event"
  campaign aimed at it, with a budget, two cost entries and four responses (sales makes a lead
  of each: leads only — no deal, so no sales figure moves);
- tasks: five for the top demo rep on their accounts, due relative to the run's clock: two
  overdue, two due later today (UTC), one next week.

Idempotent: each record is looked up by its natural key first (email, team name, ticket
subject under the tag, article title, segment / campaign name, cost description, response
email, task title) and left as it is when found ("exists"); nothing is replayed on it.
"""
import time
from datetime import datetime, time as clock_time, timedelta, timezone

TAG = "demo-synthetic"
NOTE = "Synthetic demo record: made up by scripts/demo_extras.py, not from the Maven dataset."
SUPPORT_TEAM = "Support – demo"
# (name, role, key): emails as the reps' (load_demo.email_of)
STAFF = (("Mei Lindqvist", "agent", "agent"),
         ("Sam Okafor", "support_manager", "support_manager"),
         ("Ava Marchetti", "marketer", "marketer"))
COPY_DEADLINE = 120          # seconds the desk may take to learn a new user (identity's events)

# subject, customer account, category, priority, channel, steps. A step: (action, text):
# reply (the agent's public reply), customer (the customer's reply, taken by phone), note,
# status (move to that status), solution (link the article of that title).
TICKETS = (
    ("Server rack fan failing after firmware update", "Cancity", "repair", "urgent", "phone", ()),
    ("Invoice shows the wrong VAT number", "Codehow", "billing", "high", "email", ()),
    ("How do I add a second admin user?", "Isdom", "question", "low", "web_form", ()),
    ("GTX Plus units arrived with damaged packaging", "Betatech", "delivery", "high", "email", (
        ("reply", "Sorry about that. Could you send photos of the boxes and the delivery note?"),
        ("status", "waiting_on_customer"))),
    ("Replacement power supply for MG Special", "Conecom", "repair", "medium", "phone", (
        ("reply", "A replacement is on its way; we will confirm the courier's tracking number."),
        ("status", "waiting_on_third_party"))),
    ("Credit note for the returned GTX Basic", "Finhigh", "billing", "medium", "email", (
        ("reply", "We are checking the return with the warehouse."),
        ("note", "Warehouse confirmed receipt on the return form; finance to issue the credit."),
        ("status", "open"))),
    ("Delivery date for the GTK 500 order", "Blackzim", "delivery", "medium", "chat", (
        ("reply", "The order leaves our warehouse on Thursday."),)),
    ("Login to the support portal fails", "Zoomit", "account", "urgent", "email", (
        ("note", "Same symptom as last week's SSO outage? Checking with IT."),
        ("status", "open"))),
    ("Warranty terms for refurbished units", "Goodsilron", "question", "low", "web_form", (
        ("reply", "Refurbished units carry the same 12-month warranty as new ones."),
        ("status", "resolved"))),
    ("MG Advanced overheats under load", "Rangreen", "repair", "high", "phone", (
        ("reply", "Please clean the air intake and update the BIOS; see the linked article."),
        ("solution", "Overheating units: first checks"),
        ("status", "resolved"))),
    ("Duplicate charge on the March invoice", "Inity", "billing", "urgent", "email", (
        ("reply", "We found the duplicate and refunded it today."),
        ("status", "resolved"),
        ("status", "closed"))),
    ("Change the delivery address for open orders", "Dontechi", "delivery", "low", "email", (
        ("reply", "Done: every open order now ships to the new address."),
        ("status", "closed"))),
    ("Spare parts price list requested", "Treequote", "question", "medium", "email", (
        ("reply", "Attached is the current spare parts price list."),
        ("status", "resolved"),
        ("customer", "The list is missing the GTX Pro parts; could you add them?"))),
    ("Cannot reset the device PIN", "Hottechi", "account", "high", "chat", (
        ("reply", "Hold the reset button for ten seconds while powering on."),
        ("status", "waiting_on_customer"))),
    ("Bulk order discount question", "Scotfind", "billing", "low", "web_form", ()),
)
ARTICLES = (
    ("Overheating units: first checks", "repair",
     "1. Clean the air intake and the fan filters.\n2. Update the BIOS to the latest release.\n"
     "3. Keep 10 cm of free space around the unit.\n\nStill too hot? Open a ticket with the "
     "unit's serial number."),
    ("Invoices: VAT numbers and credit notes", "billing",
     "Your VAT number is printed as it is on your customer record: ask your account manager to "
     "correct it there. A credit note is issued within five working days of a return's "
     "receipt."),
)
SEGMENT = {"name": "Retail customers, East office (demo)", "kind": "dynamic",
           "description": NOTE,
           "rules": [[{"field": "industry", "op": "eq", "value": "retail"},
                      {"field": "region", "op": "eq", "value": "East"}]]}
CAMPAIGN = {"name": "Retail hardware roadshow – East (demo)", "channel": "event",
            "currency": "USD", "budget": "12000.00", "goal_metric": "leads",
            "goal_target": "10",
            "theme": "In-store demos of the GTX range for retail chains. " + NOTE}
COSTS = (("Booth rental, roadshow stop 1", "4500.00", 6),      # description, amount, days ago
         ("Travel and demo units shipping", "2300.00", 2))
RESPONSES = (("Priya Raman", "priya.raman@example.net", "Northgate Stores"),
             ("Tom Becker", "tom.becker@example.net", "Becker Home & Tech"),
             ("Lina Osei", "lina.osei@example.net", "Osei Retail Group"),
             ("Marco Silva", "marco.silva@example.net", "Silva Electronics"))
# title, kind, customer account (of the rep), due key (task_due_times)
TASKS = (("Call Cancity about the GTX Pro renewal", "call", "Cancity", "overdue_days"),
         ("Send Isdom the revised quote", "email", "Isdom", "overdue_hours"),
         ("Prepare the Codehow account review", "meeting", "Codehow", "today_soon"),
         ("Follow up on Betatech's delivery issue", "follow_up", "Betatech", "today_end"),
         ("Plan the Conecom quarterly check-in", "meeting", "Conecom", "next_week"))


TASKS_DUE_KEYS = ("overdue_days", "overdue_hours", "today_soon", "today_end", "next_week")


def task_due_times(now):
    """{key: due time} relative to `now` (aware, UTC): overdue by days and by hours, due later
    today (UTC; never past midnight, never before now) and next week."""
    now = now.astimezone(timezone.utc)
    end_of_day = datetime.combine(now.date(), clock_time(23, 59, 59), tzinfo=timezone.utc)
    return {"overdue_days": now - timedelta(days=2),
            "overdue_hours": now - timedelta(hours=3),
            "today_soon": max(now, min(now + timedelta(hours=1), end_of_day)),
            "today_end": max(now, end_of_day),
            "next_week": now + timedelta(days=7)}


def email_of(name):
    """As load_demo.email_of: first.last@example.com."""
    return ".".join(part.lower() for part in name.split()) + "@example.com"


def staff_logins(sales_manager=None, rep=None):
    """The banner's lines for the staff (no API calls): the sales manager given (from the
    dataset: `rep`'s), then the synthetic support agent, support manager and marketer."""
    lines = []
    if sales_manager:
        team = f", {rep}'s team" if rep else ""
        lines.append(f"{email_of(sales_manager)}  ({sales_manager}, manager{team}; from the dataset)")
    lines += [f"{email_of(name)}  ({name}, {role}; synthetic)" for name, role, _key in STAFF]
    return lines


def iso(moment):
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Extras:
    def __init__(self, client, new_client, error, customers, user_ids, password, top_rep,
                 log=print, now=None):
        """customers: account name → customer id (the dataset's, just loaded); user_ids: name →
        user id; top_rep: the rep the tasks are for; new_client(): a client not logged in."""
        self.api, self.new_client, self.ApiError = client, new_client, error
        self.customers, self.user_ids, self.password = customers, user_ids, password
        self.top_rep, self.log = top_rep, log
        self.now = now or datetime.now(timezone.utc)
        self.report = {"synthetic": True, "note": NOTE, "users": [], "teams": [], "tickets": [],
                       "articles": [], "segments": [], "campaigns": [], "costs": [],
                       "responses": [], "tasks": [], "surveys": "skipped: a survey is answered "
                       "only through the signed link mailed to the customer (not in the API; "
                       "the demo customers have no address) — CSAT stays empty"}
        self.staff = {}

    def run(self):
        steps = (self.load_staff, self.load_desk, self.load_marketing, self.load_tasks)
        for step in steps:
            try:
                step()
            except self.ApiError as error:
                self.report.setdefault("errors", []).append(f"{step.__name__}: {error}")
        self.log("synthetic demo extras (made up, not from the dataset): " + "; ".join(
            f"{kind}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts(self.report[kind]).items()))
            for kind in ("users", "teams", "tickets", "articles", "segments", "campaigns", "costs",
                         "responses", "tasks") if self.report[kind]))
        self.log(f"  surveys {self.report['surveys']}")
        for error in self.report.get("errors", []):
            self.log(f"  failed: {error}")
        return self.report

    def entry(self, kind, key, status, **more):
        self.report[kind].append({"key": key, "status": status, **more})

    # --- staff ------------------------------------------------------------------------------
    def user(self, email):
        for user in self.api.call("GET", "/users", params={"q": email})["items"]:
            if user["email"] == email:
                return user
        return None

    def ensure_staff(self, name, role, key, **links):
        email = email_of(name)
        user = self.user(email)
        self.entry("users", email, "exists" if user else "created", name=name, role=role)
        if user is None:
            user = self.api.call("POST", "/users", json={
                "email": email, "name": name, "role": role, "password": self.password,
                **{field: value for field, value in links.items() if value}})
        self.staff[key] = user
        return user

    def load_staff(self):
        """The support manager, the support team (managed by them: the desk escalates to the
        team's support manager), the agent in it; the marketer (no team)."""
        (agent, _r, _k), (boss, boss_role, boss_key), (marketer, m_role, m_key) = STAFF
        manager = self.ensure_staff(boss, boss_role, boss_key)
        team = {team["name"]: team for team in self.api.call("GET", "/teams")}.get(SUPPORT_TEAM)
        self.entry("teams", SUPPORT_TEAM, "exists" if team else "created")
        if team is None:
            team = self.api.call("POST", "/teams", json={"name": SUPPORT_TEAM,
                                                         "manager_id": manager["id"]})
        self.team_id = team["id"]
        if manager.get("team_id") != self.team_id:
            self.staff[boss_key] = self.api.call("PATCH", f"/users/{manager['id']}",
                                                 json={"team_id": self.team_id})
        self.ensure_staff(agent, "agent", "agent", team_id=self.team_id,
                          manager_id=manager["id"])
        self.ensure_staff(marketer, m_role, m_key)

    def as_staff(self, key):
        client = self.new_client()
        client.login(self.staff[key]["email"], self.password)
        return client

    # --- service desk -----------------------------------------------------------------------
    def wait_for_agent(self, desk):
        """The desk learns users from identity's events: an assignee it does not know yet is
        refused, so wait (a bounded time) until its agents list has the agent."""
        agent_id, deadline = self.staff["agent"]["id"], time.monotonic() + COPY_DEADLINE
        while True:
            agents = desk.call("GET", "/service-desk/agents",
                               params={"team_id": self.team_id, "limit": 100})["items"]
            if any(agent["id"] == agent_id for agent in agents) or time.monotonic() > deadline:
                return
            time.sleep(1)

    def load_desk(self):
        desk = self.as_staff("agent")
        self.wait_for_agent(desk)
        articles = self.load_articles(desk)
        existing = {t["subject"]: t for t in desk.all_items("/service-desk/tickets", {"tag": TAG})}
        for number, (subject, account, category, priority, channel, steps) in enumerate(TICKETS):
            if subject in existing:
                self.entry("tickets", subject, "exists", ticket_status=existing[subject]["status"])
                continue
            customer_id = self.customers.get(account)
            if customer_id is None:
                self.entry("tickets", subject, "failed", error=f"no demo customer {account}")
                continue
            body = {"customer_id": customer_id, "subject": subject, "category": category,
                    "priority": priority, "channel": channel, "tags": [TAG],
                    "description": f"{subject}. ({NOTE})", "team_id": self.team_id}
            if number % 3:              # every third stays in the team's queue, unassigned
                body["assignee_id"] = self.staff["agent"]["id"]
            try:
                ticket = desk.call("POST", "/service-desk/tickets", json=body)
                for action, text in steps:
                    self.ticket_step(desk, ticket["id"], action, text, articles)
                ticket = desk.call("GET", f"/service-desk/tickets/{ticket['id']}")
                self.entry("tickets", subject, "created", ticket_status=ticket["status"])
            except self.ApiError as error:
                self.entry("tickets", subject, "failed", error=str(error))

    def ticket_step(self, desk, ticket_id, action, text, articles):
        url = f"/service-desk/tickets/{ticket_id}"
        if action == "reply":
            desk.call("POST", f"{url}/replies", json={"body": text})
        elif action == "customer":
            desk.call("POST", f"{url}/replies", json={"body": text, "from_customer": True})
        elif action == "note":
            desk.call("POST", f"{url}/notes", json={"body": text})
        elif action == "status":
            desk.call("POST", f"{url}/status", json={"status": text, "reason": "demo data"})
        elif action == "solution":
            desk.call("POST", f"/service-desk/knowledge/articles/{articles[text]}/solutions",
                      json={"ticket_id": ticket_id})

    def load_articles(self, desk):
        existing = {a["title"]: a for a in desk.all_items("/service-desk/knowledge/articles",
                                                          {"tag": TAG})}
        ids = {}
        for title, category, body in ARTICLES:
            article = existing.get(title)
            self.entry("articles", title, "exists" if article else "created")
            if article is None:
                article = desk.call("POST", "/service-desk/knowledge/articles", json={
                    "title": title, "category": category, "tags": [TAG],
                    "body": f"{body}\n\n_{NOTE}_"})
            if article["status"] != "published":
                desk.call("POST", f"/service-desk/knowledge/articles/{article['id']}/status",
                          json={"status": "published"})
            ids[title] = article["id"]
        return ids

    # --- marketing --------------------------------------------------------------------------
    def load_marketing(self):
        market = self.as_staff("marketer")
        segments = {s["name"]: s for s in market.all_items("/marketing/segments", {})}
        segment = segments.get(SEGMENT["name"])
        self.entry("segments", SEGMENT["name"], "exists" if segment else "created")
        if segment is None:
            segment = market.call("POST", "/marketing/segments", json=SEGMENT)
        campaigns = {c["name"]: c for c in market.all_items("/marketing/campaigns", {})}
        campaign = campaigns.get(CAMPAIGN["name"])
        self.entry("campaigns", CAMPAIGN["name"], "exists" if campaign else "created")
        if campaign is None:
            campaign = market.call("POST", "/marketing/campaigns", json={
                **CAMPAIGN, "segment_ids": [segment["id"]],
                "starts_at": iso(self.now - timedelta(days=7)),
                "ends_at": iso(self.now + timedelta(days=21))})
        url = f"/marketing/campaigns/{campaign['id']}"
        # draft → scheduled → running (its timer may start a scheduled one first: read again)
        for current, to in (("draft", "scheduled"), ("scheduled", "running")):
            campaign = market.call("GET", url)
            if campaign["status"] == current:
                try:
                    market.call("POST", f"{url}/status", json={"to": to})
                except self.ApiError as error:
                    if error.status != 409:
                        raise
        costs = {c["description"] for c in market.all_items(f"{url}/costs", {})}
        for description, amount, days_ago in COSTS:
            self.entry("costs", description, "exists" if description in costs else "created")
            if description not in costs:
                market.call("POST", f"{url}/costs", json={
                    "amount": amount, "description": description,
                    "incurred_on": (self.now - timedelta(days=days_ago)).date().isoformat()})
        responses = {r["email"] for r in market.all_items(f"{url}/responses", {})}
        for name, email, company in RESPONSES:
            self.entry("responses", email, "exists" if email in responses else "created")
            if email not in responses:
                market.call("POST", f"{url}/responses", json={
                    "name": name, "email": email, "company": company, "create_lead": True,
                    "message": "Met at the roadshow; wants a quote. (synthetic demo response)"})

    # --- tasks ------------------------------------------------------------------------------
    def load_tasks(self):
        rep_id = self.user_ids.get(self.top_rep)
        if rep_id is None:
            self.report.setdefault("errors", []).append(f"tasks: no demo rep {self.top_rep}")
            return
        existing = {t["title"] for t in self.api.all_items("/tasks", {"assignee_id": rep_id})}
        due = task_due_times(self.now)
        for title, kind, account, when in TASKS:
            if title in existing:
                self.entry("tasks", title, "exists")
            elif account not in self.customers:
                self.entry("tasks", title, "failed", error=f"no demo customer {account}")
            else:
                self.api.call("POST", "/tasks", json={
                    "title": title, "kind": kind, "customer_id": self.customers[account],
                    "assignee_id": rep_id, "due_at": iso(due[when]), "notes": NOTE})
                self.entry("tasks", title, "created", due_at=iso(due[when]))


def counts(entries):
    found = {}
    for entry in entries:
        found[entry["status"]] = found.get(entry["status"], 0) + 1
    return found


def failed(extras):
    return bool(extras.get("errors")) or any(
        entry["status"] == "failed" for value in extras.values() if isinstance(value, list)
        for entry in value if isinstance(entry, dict))
