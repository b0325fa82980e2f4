"""deploy/grafana: the provisioning names the datasource every panel uses, every dashboard has
its fixed uid, and every panel's PromQL parses (promtool check rules on a rules file made of
them) and reads only metrics the services export or the rules record. tests/e2e/
test_monitoring.py runs the same expressions against a real Prometheus."""
import json

import yaml

from services import dashboards
from tests.prometheus_tools import ROOT, RULE_FILES, promtool, unknown_crm_metrics

GRAFANA = ROOT / "deploy" / "grafana"


def documents():
    return [json.loads(path.read_text()) for path in sorted((GRAFANA / "dashboards").glob("*.json"))]


def test_each_dashboard_has_its_fixed_uid_and_the_provisioned_datasource():
    provisioned = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    datasource_uids = {source["uid"] for source in provisioned["datasources"]}
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/crm.yml").read_text())["providers"]
    assert [provider["type"] for provider in providers] == ["file"]
    found = {document["uid"]: document for document in documents()}
    assert set(found) == set(dashboards.DASHBOARDS), "a dashboard file without its uid, or missing"
    for uid, document in found.items():
        ids = [panel["id"] for panel in document["panels"]]
        assert len(ids) == len(set(ids)), f"{uid}: panel ids repeat"
        for panel in document["panels"]:
            assert panel["datasource"]["uid"] in datasource_uids, (uid, panel["title"])
            assert panel["targets"] and all(target["expr"] for target in panel["targets"]), panel["title"]


def test_every_panel_query_is_valid_promql(tmp_path):
    rules = tmp_path / "dashboards.rules.yml"
    rules.write_text(dashboards.panel_rules(documents()))
    expected = sum(len(dashboards.expressions(document)) for document in documents())
    output = promtool("check", "rules", rules)
    assert f"SUCCESS: {expected} rules found" in output, output
    leftover = [expr for document in documents() for _title, expr in dashboards.expressions(document)
                if "$" in expr]
    assert leftover == [], "a Grafana variable the check does not substitute"


def test_every_panel_reads_metrics_that_exist():
    recorded = {rule["record"] for path in RULE_FILES
                for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]
                if "record" in rule}
    exprs = [expr for document in documents() for _title, expr in dashboards.expressions(document)]
    assert unknown_crm_metrics(exprs, recorded) == []
    used = {name for expr in exprs for name in recorded if name in expr}
    assert used, "no panel reads a recording rule"


def test_the_business_dashboard_shows_every_business_gauge_and_event_flow_the_mail_sent():
    """Each reporting domain's gauges (services/reporting/domains/*/gauges.py) on crm-business,
    read directly or through a recording rule; SMTP attempts on crm-event-flow."""
    import sys

    from prometheus_client import Gauge

    from services.reporting.domains import DOMAINS

    def panel_text(uid):
        found = {document["uid"]: document for document in documents()}[uid]
        return " ".join(expr for _title, expr in dashboards.expressions(found))

    rules = {rule["record"]: rule["expr"] for path in RULE_FILES
             for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]
             if "record" in rule}
    business = panel_text("crm-business")
    business += " ".join(expr for record, expr in rules.items() if record in business)
    gauges = {value._name for domain in DOMAINS if domain.gauges
              for value in vars(sys.modules[domain.gauges.__module__]).values() if isinstance(value, Gauge)}
    assert {"crm_open_tickets", "crm_csat_average_score", "crm_ticket_sla_breaches",
            "crm_campaign_recipients", "crm_campaign_attributed_revenue_amount"} <= gauges
    assert sorted(name for name in gauges if name not in business) == []
    assert "target:crm_ticket_sla_breaches:increase1h" in business
    assert "crm_smtp_send_attempts_total" in panel_text("crm-event-flow")
