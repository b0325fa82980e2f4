"""Loads the Maven CRM sales dataset (data/maven-crm-sales/) through the public HTTP API.

    .venv/bin/python scripts/load_demo.py --url http://localhost:8000 [--report var/demo_report.json]

Logs in as the admin (ADMIN_EMAIL / ADMIN_PASSWORD), then creates
- one team per manager of sales_teams.csv (region = the manager's regional office), the
  managers (role manager) and the 35 agents (role sales_rep, in their manager's team and
  region), all with the password DEMO_PASSWORD;
- the 85 accounts of accounts.csv as customers, each owned by the agent with the most deals
  on it in sales_pipeline.csv (its region is that agent's office);
- the 7 products and the 8,800 opportunities with their stage history (scripts/demo_deals.py:
  the bulk import endpoint, and how the dataset's mess is mapped);
- then a small SYNTHETIC set, made up by scripts/demo_extras.py and labelled so (not from the
  dataset): a support agent, a support manager and a marketer, tickets and knowledge-base
  articles, a segment and an event campaign with costs and responses, tasks for the top rep.

Idempotent: what exists already (same email, team name, customer name) is left as it is.
Nothing is guessed silently: every normalisation, derivation and skipped row is in the report
(printed, and written as JSON with --report). Exit status 1 when any row failed.
"""
import argparse
import csv
import json
import os
import secrets
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_deals  # noqa: E402  (the products and deals half of the loader)
import demo_extras  # noqa: E402  (the synthetic desk, marketing and tasks set, not from the dataset)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "maven-crm-sales"
API = "/api/v1"
EMAIL_DOMAIN = "example.com"
DEMO_TAG = "maven-demo"
SOURCE = "Maven CRM sales demo"
MILLION = Decimal(1_000_000)
# Known mess in the dataset (its README): corrected, and said so per row.
SECTOR_FIXES = {"technolgy": "technology"}
COUNTRY_FIXES = {"Philipines": "Philippines"}


class ApiError(Exception):
    def __init__(self, response):
        self.status = response.status_code
        try:
            self.body = response.json()
        except ValueError:
            self.body = {"detail": response.text[:500]}
        super().__init__(f"HTTP {self.status}: {self.body.get('detail') or self.body}")


class Client:
    def __init__(self, base, timeout=30):
        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.timeout = timeout

    def call(self, method, path, **kwargs):
        for attempt in range(5):
            response = self.session.request(method, self.base + API + path, timeout=self.timeout, **kwargs)
            if response.status_code not in (429, 503) or attempt == 4:
                break
            time.sleep(float(response.headers.get("Retry-After") or 1))   # rate limit / restart
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json() if response.content else None

    def login(self, email, password):
        token = self.call("POST", "/auth/token", json={"email": email, "password": password})
        self.session.headers["Authorization"] = f"Bearer {token['access_token']}"

    def all_items(self, path, params):
        items, cursor = [], None
        while True:
            paging = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = self.call("GET", path, params=dict(params, **paging))
            items.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return items


# --- the dataset ------------------------------------------------------------------------------

def read_csv(data_dir, name):
    with open(Path(data_dir) / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def email_of(name):
    local = ".".join("".join(ch for ch in part.lower() if ch.isalnum() or ch == "-")
                     for part in name.split())
    return f"{local}@{EMAIL_DOMAIN}"


def account_owners(pipeline):
    """account → (agent, deals, total deals, tie note): the agent with the most deals on it;
    a tie goes to the higher won value, then the name (and the report says so)."""
    deals, won = defaultdict(Counter), defaultdict(Counter)
    for deal in pipeline:
        if not deal["account"]:
            continue        # open deals without an account: nothing to attach
        deals[deal["account"]][deal["sales_agent"]] += 1
        if deal["deal_stage"] == "Won" and deal["close_value"]:
            won[deal["account"]][deal["sales_agent"]] += int(deal["close_value"])
    owners = {}
    for account, counts in deals.items():
        ranked = sorted(counts, key=lambda a: (-counts[a], -won[account][a], a))
        top = ranked[0]
        tied = [a for a in ranked[1:] if counts[a] == counts[top]]
        note = (f"tie on {counts[top]} deals with {', '.join(tied)}: higher won value decides"
                if tied else None)
        owners[account] = (top, counts[top], sum(counts.values()), note)
    return owners


def stages(pipeline):
    found = defaultdict(set)
    for deal in pipeline:
        if deal["account"]:
            found[deal["account"]].add(deal["deal_stage"])
    return found


def customer_from_account(row, owner, agent_regions, deal_stages):
    """(payload, notes, problems) for one accounts.csv row."""
    notes, problems, payload = [], [], {"kind": "company", "source": SOURCE, "currency": "USD"}
    payload["name"] = row["account"].strip()
    if not payload["name"]:
        return None, notes, ["account name is empty"]

    sector = row["sector"].strip()
    if sector in SECTOR_FIXES:
        notes.append(f"industry: '{sector}' corrected to '{SECTOR_FIXES[sector]}' (typo in the dataset)")
        sector = SECTOR_FIXES[sector]
    if sector:
        payload["industry"] = sector

    try:
        revenue = Decimal(row["revenue"])
        payload["annual_revenue"] = str((revenue * MILLION).quantize(Decimal("0.01")))
        notes.append(f"annual_revenue: {row['revenue']} million USD = {payload['annual_revenue']} USD")
    except (InvalidOperation, ValueError):
        problems.append(f"revenue {row['revenue']!r} is not a number: left empty")
        payload.pop("currency")

    try:
        payload["size"] = int(row["employees"])
    except ValueError:
        problems.append(f"employees {row['employees']!r} is not a whole number: size left empty")

    country = row["office_location"].strip()
    if country in COUNTRY_FIXES:
        notes.append(f"office_location: '{country}' corrected to '{COUNTRY_FIXES[country]}' "
                     "(typo in the dataset)")
        country = COUNTRY_FIXES[country]
    if country:
        payload["address"] = country

    if owner:
        agent, count, total, tie = owner
        payload["owner_id"] = agent                   # replaced by the user id when loading
        payload["region"] = agent_regions[agent]
        notes.append(f"owner: {agent} ({count} of {total} deals in sales_pipeline.csv); "
                     f"region: {payload['region']} (the owner's office)" + (f"; {tie}" if tie else ""))
    else:
        notes.append("no deals in sales_pipeline.csv: no owner or region (auto-assignment decides)")

    seen = deal_stages.get(payload["name"], set())
    payload["lifecycle_stage"] = ("customer" if "Won" in seen else
                                  "prospect" if seen & {"Engaging", "Prospecting"} else "lead")
    notes.append(f"lifecycle_stage: {payload['lifecycle_stage']} "
                 f"(deal stages: {', '.join(sorted(seen)) or 'none'})")
    return payload, notes, problems


def account_note(row):
    parts = []
    if row["year_established"].strip():
        parts.append(f"Established in {row['year_established'].strip()}.")
    if row["subsidiary_of"].strip():
        parts.append(f"Subsidiary of {row['subsidiary_of'].strip()}.")
    parts.append("Imported from the Maven CRM sales dataset (data/maven-crm-sales).")
    return " ".join(parts)


# --- loading ----------------------------------------------------------------------------------

class Loader:
    def __init__(self, client, data_dir, demo_password, log=print):
        self.api = client
        self.data_dir = data_dir
        self.password = demo_password
        self.log = log
        self.report = {"teams": [], "users": [], "customers": []}
        self.user_ids = {}

    def run(self):
        teams = read_csv(self.data_dir, "sales_teams.csv")
        self.load_people(teams)
        self.load_accounts(teams)
        self.load_deals()
        self.load_extras()
        return self.report

    def load_extras(self):
        customers = {e["account"].strip(): e["id"] for e in self.report["customers"] if e.get("id")}
        top_rep = demo_logins(self.data_dir, 1)[0][0]
        self.report["extras"] = demo_extras.Extras(
            self.api, lambda: Client(self.api.base), ApiError, customers, self.user_ids,
            self.password, top_rep, self.log).run()

    def load_deals(self):
        deals = demo_deals.DealsLoader(self.api, self.report, ApiError, self.log)
        products = deals.load_products(read_csv(self.data_dir, "products.csv"))
        customers = {e["account"].strip(): e["id"] for e in self.report["customers"] if e.get("id")}
        started = time.monotonic()
        deals.load_deals(read_csv(self.data_dir, "sales_pipeline.csv"), products, customers,
                         self.user_ids)
        self.report["deals_seconds"] = round(time.monotonic() - started, 1)
        self.log(f"deals imported in {self.report['deals_seconds']} s")

    # people
    def existing_user(self, email):
        for user in self.api.call("GET", "/users", params={"q": email})["items"]:
            if user["email"] == email:
                return user
        return None

    def ensure_user(self, name, role, region, team_id=None, manager_id=None):
        email = email_of(name)
        entry = {"name": name, "email": email, "role": role, "region": region}
        user = self.existing_user(email)
        if user:
            entry["status"] = "exists"
        else:
            body = {"email": email, "name": name, "role": role, "password": self.password, "region": region}
            body.update({k: v for k, v in (("team_id", team_id), ("manager_id", manager_id)) if v})
            try:
                user = self.api.call("POST", "/users", json=body)
                entry["status"] = "created"
            except ApiError as error:
                entry.update(status="failed", error=str(error))
                self.report["users"].append(entry)
                return None
        self.report["users"].append(entry)
        self.user_ids[name] = user["id"]
        return user

    def load_people(self, teams):
        existing = {team["name"]: team for team in self.api.call("GET", "/teams")}
        by_manager = defaultdict(list)
        for row in teams:
            team = (row["manager"].strip(), row["regional_office"].strip())
            by_manager[team].append(row["sales_agent"].strip())
        for (manager, region), agents in by_manager.items():
            team_name = f"{region} – {manager}"
            manager_user = self.ensure_user(manager, "manager", region)
            team = existing.get(team_name)
            if team:
                self.report["teams"].append({"name": team_name, "status": "exists"})
            else:
                try:
                    team = self.api.call("POST", "/teams", json={
                        "name": team_name, "region": region,
                        **({"manager_id": manager_user["id"]} if manager_user else {})})
                    self.report["teams"].append({"name": team_name, "status": "created"})
                except ApiError as error:
                    self.report["teams"].append({"name": team_name, "status": "failed", "error": str(error)})
                    continue
            if manager_user and manager_user.get("team_id") != team["id"]:
                self.api.call("PATCH", f"/users/{manager_user['id']}", json={"team_id": team["id"]})
            for agent in agents:
                self.ensure_user(agent, "sales_rep", region, team["id"],
                                 manager_user["id"] if manager_user else None)
        self.log(_summary("users", self.report["users"]) + "; " + _summary("teams", self.report["teams"]))

    # accounts
    def existing_customer(self, name):
        for customer in self.api.call("GET", "/customers", params={"q": name, "limit": 100})["items"]:
            if customer["name"] == name:
                return customer
        return None

    def load_accounts(self, teams):
        accounts = read_csv(self.data_dir, "accounts.csv")
        pipeline = read_csv(self.data_dir, "sales_pipeline.csv")
        owners, deal_stages = account_owners(pipeline), stages(pipeline)
        agent_regions = {row["sales_agent"].strip(): row["regional_office"].strip() for row in teams}
        names = {row["account"].strip() for row in accounts}
        demo_ids, notes_for, subsidiary_tags = [], {}, defaultdict(list)
        for number, row in enumerate(accounts, start=2):          # row 1 is the header
            payload, notes, problems = customer_from_account(
                row, owners.get(row["account"].strip()), agent_regions, deal_stages)
            entry = {"row": number, "account": row["account"], "notes": notes, "problems": problems}
            self.report["customers"].append(entry)
            if payload is None:
                entry["status"] = "skipped"
                continue
            parent = row["subsidiary_of"].strip()
            if parent and parent not in names:
                problems.append(f"subsidiary_of '{parent}' is not an account in accounts.csv: "
                                "kept in the note only")
            if "owner_id" in payload:
                agent = payload["owner_id"]
                if agent in self.user_ids:
                    payload["owner_id"] = self.user_ids[agent]
                else:
                    problems.append(f"owner {agent} was not created: left to auto-assignment")
                    del payload["owner_id"]
            try:
                customer = self.existing_customer(payload["name"])
                if customer:
                    entry["status"] = "exists"
                else:
                    customer = self.api.call("POST", "/customers", json=payload)
                    entry["status"] = "created"
                    notes_for[customer["id"]] = account_note(row)
            except ApiError as error:
                entry.update(status="failed", error=str(error), details=error.body.get("errors"))
                continue
            entry["id"], entry["parent_id"] = customer["id"], customer.get("parent_id")
            demo_ids.append(customer["id"])
            if parent:
                tag = f"subsidiary of {parent}"[:50]
                subsidiary_tags[tag].append(customer["id"])
                notes.append(f"subsidiary_of: tagged '{tag}' and noted")
        self.tag(demo_ids, [DEMO_TAG], subsidiary_tags)
        self.link_parents(accounts)
        for customer_id, summary in notes_for.items():
            try:
                self.api.call("POST", f"/customers/{customer_id}/interactions",
                              json={"kind": "note", "summary": summary})
            except ApiError as error:
                entry = next(e for e in self.report["customers"] if e.get("id") == customer_id)
                entry["problems"].append(f"note not logged: {error}")
        self.log(_summary("customers", self.report["customers"]))

    def link_parents(self, accounts):
        """subsidiary_of → the customer's parent_id (customers checks it exists, no cycles)."""
        ids = {e["account"].strip(): e["id"] for e in self.report["customers"] if e.get("id")}
        for entry, row in zip(self.report["customers"], accounts):
            parent = row["subsidiary_of"].strip()
            if not parent or "id" not in entry or parent not in ids:
                continue
            if entry.get("parent_id") == ids[parent]:
                entry["notes"].append(f"parent: already linked to {parent}")
                continue
            try:
                self.api.call("PATCH", f"/customers/{entry['id']}", json={"parent_id": ids[parent]})
                entry["parent_id"] = ids[parent]
                entry["notes"].append(f"parent: linked to {parent}")
            except ApiError as error:
                entry.update(status="failed", error=f"parent {parent} not linked: {error}")

    def tag(self, demo_ids, tags, subsidiary_tags):
        batches = [(demo_ids, tags)] + [(ids, [tag]) for tag, ids in subsidiary_tags.items()]
        for ids, names in batches:
            for start in range(0, len(ids), 500):
                try:
                    self.api.call("POST", "/customers/tags",
                                  json={"customer_ids": ids[start:start + 500], "tags": names})
                except ApiError as error:
                    self.report.setdefault("tagging", []).append({"tags": names, "error": str(error)})


def _summary(kind, entries):
    counts = Counter(entry.get("status") for entry in entries)
    statuses = ("created", "exists", "skipped", "failed")
    return f"{kind}: " + ", ".join(f"{counts[s]} {s}" for s in statuses if counts[s])


def print_report(report, out=sys.stdout):
    for entry in report["customers"]:
        if entry["status"] in ("failed", "skipped") or entry["problems"]:
            print(f"  row {entry['row']} {entry['account']!r}: {entry['status']}; "
                  + "; ".join(entry["problems"] + ([entry["error"]] if "error" in entry else [])), file=out)
    corrected = [e for e in report["customers"] if any("corrected" in n for n in e["notes"])]
    for entry in corrected:
        print(f"  row {entry['row']} {entry['account']!r}: "
              + "; ".join(n for n in entry["notes"] if "corrected" in n), file=out)
    for entry in report["users"] + report["teams"]:
        if entry["status"] == "failed":
            print(f"  {entry.get('email') or entry['name']}: failed; {entry['error']}", file=out)
    for entry in report.get("tagging", []):
        print(f"  tagging {entry['tags']}: failed; {entry['error']}", file=out)
    demo_deals.print_deal_report(report, out)


def failed(report):
    return bool(report.get("tagging")) or demo_extras.failed(report.get("extras", {})) or any(
        entry["status"] in ("failed", "rejected")
        for key in ("users", "teams", "customers", "products", "deals")
        for entry in report.get(key, []))


# --- command line -----------------------------------------------------------------------------

def demo_password():
    """DEMO_PASSWORD, else one generated now and saved to var/secrets.env (as `make run` does)."""
    password = os.environ.get("DEMO_PASSWORD")
    if password:
        return password
    password = secrets.token_urlsafe(15)
    secrets_file = Path(os.environ.get("CRM_DATA_DIR", ROOT / "var")) / "secrets.env"
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    with open(secrets_file, "a") as handle:
        handle.write(f"DEMO_PASSWORD={password}\n")
    os.chmod(secrets_file, 0o600)
    print(f"demo password generated and saved to {secrets_file}")
    return password


def sales_manager_of(data_dir, agent):
    return next(row["manager"].strip() for row in read_csv(data_dir, "sales_teams.csv")
                if row["sales_agent"].strip() == agent)


def demo_logins(data_dir, count):
    """The reps who own the most demo accounts: good logins to try first."""
    owners = Counter(owner[0] for owner in account_owners(read_csv(data_dir, "sales_pipeline.csv")).values())
    return [(name, email_of(name), accounts) for name, accounts in owners.most_common(count)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("CRM_URL", "http://localhost:8000"))
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--report", help="write the per-row report as JSON here")
    parser.add_argument("--print-logins", type=int, metavar="N",
                        help="print N demo sales rep logins and exit (no API calls)")
    parser.add_argument("--print-staff", action="store_true",
                        help="print the demo manager, support agent, support manager and marketer "
                             "logins and exit (no API calls)")
    args = parser.parse_args(argv)

    if args.print_logins:
        for name, email, accounts in demo_logins(args.data, args.print_logins):
            print(f"{email}  ({name}, sales_rep, owns {accounts} accounts)")
        return 0
    if args.print_staff:
        top_rep = demo_logins(args.data, 1)[0][0]
        print("\n".join(demo_extras.staff_logins(sales_manager_of(args.data, top_rep), top_rep)))
        return 0

    admin_email, admin_password = os.environ.get("ADMIN_EMAIL"), os.environ.get("ADMIN_PASSWORD")
    if not admin_email or not admin_password:
        parser.error("set ADMIN_EMAIL and ADMIN_PASSWORD (make run keeps them in var/secrets.env)")
    client = Client(args.url)
    client.login(admin_email, admin_password)
    print(f"loading the demo data into {args.url} as {admin_email}")
    report = Loader(client, args.data, demo_password()).run()
    print_report(report)
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"per-row report: {args.report}")
    return 1 if failed(report) else 0


if __name__ == "__main__":
    sys.exit(main())
