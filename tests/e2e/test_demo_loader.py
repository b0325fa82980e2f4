"""scripts/load_demo.py against the running system: 35 reps, 85 accounts, idempotent."""
import csv
import json
import os
import subprocess
import sys

import pytest

from tests.e2e.client import Api
from tests.e2e.system import ROOT

pytestmark = pytest.mark.e2e
DATA = ROOT / "data" / "maven-crm-sales"


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_loader(system, tmp_path, password):
    report = tmp_path / "report.json"
    env = {**system.env, "ADMIN_EMAIL": system.admin_email, "ADMIN_PASSWORD": system.admin_password,
           "DEMO_PASSWORD": password, "CRM_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "load_demo.py"), "--url", system.url,
                             "--report", str(report)], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report.read_text()), result.stdout


def test_demo_loader_loads_35_reps_and_85_accounts_once(system, admin, tmp_path):
    teams, accounts = read("sales_teams.csv"), read("accounts.csv")
    password = "demo-password-e2e"
    report, output = run_loader(system, tmp_path, password)

    reps = [u for u in report["users"] if u["role"] == "sales_rep"]
    assert len(reps) == 35 and {u["status"] for u in reps} == {"created"}
    assert len(report["teams"]) == 6 and len([u for u in report["users"] if u["role"] == "manager"]) == 6
    rows = report["customers"]
    assert len(rows) == 85
    assert {row["status"] for row in rows} == {"created"}, [r for r in rows if r["status"] != "created"]
    # the dataset's typos were corrected and said so, row by row
    typo_rows = {row["row"] for row in rows if any("'technolgy' corrected" in n for n in row["notes"])}
    assert typo_rows == {i for i, a in enumerate(accounts, start=2) if a["sector"] == "technolgy"}
    assert "'technolgy' corrected to 'technology'" in output

    # Through the API: every agent is a sales rep in their manager's team and region ...
    teams_by_id = {t["id"]: t for t in admin.ok("GET", "teams")}
    users = {u["email"]: u for u in admin.list_all("users", {"role": "sales_rep"})}
    for row in teams:
        email = next(u["email"] for u in reps if u["name"] == row["sales_agent"])
        user = users[email]
        assert user["region"] == row["regional_office"]
        assert teams_by_id[user["team_id"]]["name"] == f"{row['regional_office']} – {row['manager']}"
    # ... and every account is a customer, with revenue in USD and the typo fixed.
    demo = {c["name"]: c for c in admin.list_all("customers", {"tags_all": "maven-demo"})}
    assert set(demo) == {a["account"] for a in accounts}
    acme = demo["Acme Corporation"]
    assert (acme["industry"], acme["annual_revenue"], acme["currency"], acme["size"]) == (
        "technology", "1100040000.00", "USD", 2822)
    assert "technolgy" not in {c["industry"] for c in demo.values()}
    subsidiaries = [a for a in accounts if a["subsidiary_of"]]
    assert all(f"subsidiary of {a['subsidiary_of']}" in demo[a["account"]]["tags"] for a in subsidiaries)

    # A demo rep logs in with the demo password and sees exactly the accounts they own.
    darcel = Api(system.url).login("darcel.schlecht@example.com", password)
    owned = {c["name"] for c in darcel.list_all("customers", {"tags_all": "maven-demo"})}
    expected = {row["account"] for row in rows if any("owner: Darcel Schlecht" in n for n in row["notes"])}
    assert owned == expected and len(owned) > 10
    assert darcel.get(f"customers/{acme['id']}").status_code == 404      # Daniell Hammack's
    one = sorted(owned)[0]
    established = next(a["year_established"] for a in accounts if a["account"] == one)
    timeline = darcel.ok("GET", f"customers/{demo[one]['id']}/interactions")["items"]
    assert [i["kind"] for i in timeline] == ["note"]
    assert f"Established in {established}." in timeline[0]["summary"]

    # Idempotent: a second run creates nothing.
    again, _ = run_loader(system, tmp_path, password)
    assert {e["status"] for e in again["users"] + again["teams"] + again["customers"]} == {"exists"}
    assert len(admin.list_all("customers", {"tags_all": "maven-demo"})) == 85
