"""The Grafana dashboards (deploy/grafana/dashboards/*.json), generated from this table of panels
by `python -m services.registry generate` like the other deploy files, so every dashboard has the
same datasource, layout and fixed uid, and a panel is one line here.

Each panel's PromQL is checked in CI: `panel_rules()` turns every expression into a recording
rule (Grafana's variables replaced by sample values) for `promtool check rules`, and the e2e
monitoring test runs each one against a real Prometheus (tests/e2e/test_monitoring.py).
Most panels read the recording rules of deploy/prometheus/recording.rules.yml.
"""
import json
import re

DATASOURCE = {"type": "prometheus", "uid": "crm-prometheus"}    # deploy/grafana/provisioning
# What Grafana substitutes, and the sample values the checks substitute instead.
VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "$service": "gateway"}


def panel(title, *queries, unit="short", kind="timeseries", description=""):
    """`queries`: PromQL strings, or (PromQL, legend) pairs."""
    return {"title": title, "kind": kind, "unit": unit, "description": description,
            "queries": [q if isinstance(q, tuple) else (q, "") for q in queries]}


RATE = "[$__rate_interval]"
SVC = 'service="$service"'
OLDEST_UNSENT = "crm_outbox_oldest_unsent_age_seconds"


def quantile(q, by, histogram):
    """The q-quantile per `by` of a histogram's rate ("name{selector}" or a name)."""
    return f"histogram_quantile({q}, sum by ({by}, le) (rate({histogram}{RATE})))"


LATENCY = f"crm_entrypoint_duration_seconds_bucket{{{SVC}}}"

DASHBOARDS = {
    "crm-overview": ("CRM · services (RED)", [
        panel("Targets up", ('up{job!="prometheus"}', "{{job}} {{instance}}"), kind="stat"),
        panel("Calls per second", ("sum by (service) (service:crm_entrypoint_calls:rate5m)", "{{service}}"),
              unit="reqps", description="Every entrypoint: http, rpc, event, timer"),
        panel("Error ratio", ("service:crm_entrypoint_error_ratio:rate5m", "{{service}}"),
              unit="percentunit", description='outcome="error" (client errors and expired calls excluded)'),
        panel("p99 latency (http, rpc)",
              ('max by (service) (service:crm_entrypoint_duration_seconds:p99_5m{kind=~"http|rpc"})',
               "{{service}}"), unit="s"),
        panel("API responses by status", ("status:crm_http_responses:rate5m", "{{status}}"), unit="reqps"),
        panel("Failed calls by outcome",
              (f'sum by (service, outcome) (rate(crm_entrypoint_calls_total{{outcome!="success"}}{RATE}))',
               "{{service}} {{outcome}}"), unit="reqps"),
        panel("Outbox: oldest unsent event", (OLDEST_UNSENT, "{{service}}"), unit="s"),
        panel("Database pool in use",
              ("crm_db_pool_checked_out_connections / crm_db_pool_size_connections", "{{service}}"),
              unit="percentunit"),
    ]),
    "crm-service": ("CRM · one service", [
        panel("Calls per second by kind and outcome",
              (f"sum by (kind, outcome) (rate(crm_entrypoint_calls_total{{{SVC}}}{RATE}))",
               "{{kind}} {{outcome}}"), unit="reqps"),
        panel("Latency p50 / p99 by kind",
              (quantile(0.5, "kind", LATENCY), "p50 {{kind}}"),
              (quantile(0.99, "kind", LATENCY), "p99 {{kind}}"), unit="s"),
        panel("Slowest entrypoints (p99)",
              (f"topk(10, {quantile(0.99, 'kind, name', LATENCY)})", "{{kind}} {{name}}"), unit="s"),
        panel("Failing entrypoints",
              ('topk(10, sum by (kind, name) '
               f'(rate(crm_entrypoint_calls_total{{{SVC}, outcome="error"}}{RATE})))', "{{kind}} {{name}}"),
              unit="reqps"),
        panel("Outbox backlog", (f"crm_outbox_backlog{{{SVC}}}", "unsent events")),
        panel("Outbox: oldest unsent event", (f"{OLDEST_UNSENT}{{{SVC}}}", "age"), unit="s"),
        panel("Events consumed by source and outcome",
              (f"sum by (source, outcome) (rate(crm_events_consumed_total{{{SVC}}}{RATE}))",
               "{{source}} {{outcome}}"), unit="ops"),
        panel("Consumer lag (events behind the source)", (f"crm:consumer_lag_events{{{SVC}}}", "{{source}}")),
        panel("Database pool",
              (f"crm_db_pool_checked_out_connections{{{SVC}}}", "in use {{instance}}"),
              (f"crm_db_pool_size_connections{{{SVC}}}", "pool size {{instance}}")),
        panel("Process CPU and memory",
              (f'rate(process_cpu_seconds_total{{job="$service"}}{RATE})', "cpu {{instance}}"),
              ('process_resident_memory_bytes{job="$service"} / 2^30', "RSS GiB {{instance}}")),
    ]),
    "crm-event-flow": ("CRM · events and queues", [
        panel("Events written per second", ("deriv(crm_event_log_head_sequence[5m])", "{{service}}"),
              unit="ops"),
        panel("Outbox backlog", ("crm_outbox_backlog", "{{service}}")),
        panel("Outbox: oldest unsent event", (OLDEST_UNSENT, "{{service}}"), unit="s"),
        panel("Consumer lag (events)", ("crm:consumer_lag_events", "{{service}} ← {{source}}")),
        panel("Consumer lag (seconds, last event applied live)",
              ("crm_consumer_lag_seconds", "{{service}} ← {{source}}"), unit="s"),
        panel("Events consumed by outcome",
              ("sum by (service, outcome) (service:crm_events_consumed:rate5m)", "{{service}} {{outcome}}"),
              unit="ops"),
        panel("Catch-up (replay) failures",
              (f"sum by (service, source) (increase(crm_catch_up_failures_total{RATE}))",
               "{{service}} ← {{source}}")),
        panel("Report freshness p99",
              (quantile(0.99, "source", "crm_report_freshness_seconds_bucket"), "{{source}}"), unit="s"),
        panel("Report jobs", ("crm_report_jobs_running", "running {{kind}}"),
              (f"sum by (kind, outcome) (increase(crm_report_jobs_total{RATE}))", "{{kind}} {{outcome}}")),
        panel("Webhook deliveries",
              ("crm_webhook_deliveries_pending", "pending"),
              (f"sum by (outcome) (rate(crm_webhook_attempts_total{RATE}))", "attempts/s {{outcome}}")),
        panel("Webhooks: oldest pending delivery", ("crm_webhook_oldest_pending_age_seconds", "age"),
              unit="s"),
        panel("Segment memberships changed",
              (f"sum by (trigger, change) (rate(crm_segment_membership_changes_total{RATE}))",
               "{{change}} by {{trigger}}"), unit="ops",
              description="Contacts joining / leaving marketing's segments, by what triggered "
                          "the re-evaluation (an event, a segment edit, a list, a relative date)"),
        panel("Segment re-evaluation p99",
              (quantile(0.99, "trigger", "crm_segment_evaluation_seconds_bucket"), "{{trigger}}"),
              unit="s"),
        panel("Automation runs",
              (f"sum by (outcome, reason) (increase(crm_automation_runs_total{RATE}))",
               "{{outcome}} {{reason}}"),
              description="Marketing's automation rule runs as they end (done, skipped and why, "
                          "failed and why) or wait again after an outage (scheduled)"),
        panel("Mail: SMTP attempts by result",
              (f"sum by (job, result) (rate(crm_smtp_send_attempts_total{RATE}))", "{{job}} {{result}}"),
              unit="ops",
              description="Every service that mails (services/chassis/mail.py): sent, transient "
                          "(server down, 4xx: retried), recipient_refused (bounces), "
                          "message_refused; alert CrmSmtpFailing"),
        panel("RabbitMQ: messages ready / unacked",
              ("sum by (queue) (rabbitmq_queue_messages_ready)", "ready {{queue}}"),
              ("sum by (queue) (rabbitmq_queue_messages_unacked)", "unacked {{queue}}"),
              description="The rabbitmq_prometheus plugin (port 15692); per-queue figures need "
                          "prometheus.return_per_object_metrics = true"),
        panel("RabbitMQ: messages in / out per second",
              (f"sum(rate(rabbitmq_global_messages_received_total{RATE}))", "received"),
              (f"sum(rate(rabbitmq_global_messages_delivered_total{RATE}))", "delivered"), unit="ops"),
    ]),
    "crm-business": ("CRM · business KPIs", [
        panel("Live customers", ("crm_customers", "customers"), kind="stat"),
        panel("Win rate (all closed deals)", ("crm:win_rate:ratio", "win rate"), kind="stat",
              unit="percentunit"),
        panel("Customers by lifecycle stage", ("crm_customers_by_lifecycle_stage", "{{lifecycle_stage}}")),
        panel("Customers by value class", ("crm_customers_by_value_class", "{{value_class}}")),
        panel("Open deals by stage", ("crm_open_deals_by_stage", "{{stage}}")),
        panel("Open pipeline", ("crm_open_pipeline_amount", "{{currency}}"),
              ("crm_weighted_pipeline_amount", "weighted {{currency}}")),
        panel("Closed deals", ("crm_closed_deals", "{{status}}")),
        panel("Receivables", ("crm_receivables_outstanding_amount", "outstanding {{currency}}"),
              ("crm_receivables_overdue_amount", "overdue {{currency}}")),
        panel("Open tickets by priority", ("crm_open_tickets", "{{priority}}"),
              description="The service desk's backlog: tickets in an open or paused status"),
        panel("CSAT, last 30 days", ("crm_csat_average_score", "average score (0-100)"),
              ("crm_csat_surveys_answered", "surveys answered"), kind="stat"),
        panel("SLA breaches in the last hour", ("target:crm_ticket_sla_breaches:increase1h", "{{target}}"),
              description="Alarms the service desk's SLA timer fired; alert CrmSlaBreachesRising"),
        panel("SLA breaches so far", ("crm_ticket_sla_breaches", "{{target}}")),
        panel("Campaign recipients by outcome", ("crm_campaign_recipients", "{{outcome}}")),
        panel("Campaign cost and attributed revenue", ("crm_campaign_cost_amount", "cost {{currency}}"),
              ("crm_campaign_attributed_revenue_amount", "revenue {{model}} touch {{currency}}"),
              description="Revenue of the won deals credited to campaigns, in the campaign's currency"),
        panel("Campaign ROI", ("crm:campaign_roi:ratio", "{{model}} touch {{currency}}"),
              unit="percentunit", description="(attributed revenue - cost) / cost per currency"),
    ]),
}

SERVICE_VARIABLE = {
    "name": "service", "label": "Service", "type": "query", "datasource": DATASOURCE,
    "query": {"query": "label_values(crm_entrypoint_calls_total, service)", "refId": "service"},
    "definition": "label_values(crm_entrypoint_calls_total, service)", "refresh": 2, "sort": 1,
    "current": {}, "options": [], "includeAll": False, "multi": False,
}


def _panel_json(number, spec):
    return {
        "id": number, "type": spec["kind"], "title": spec["title"], "description": spec["description"],
        "datasource": DATASOURCE,
        "gridPos": {"h": 8, "w": 12, "x": 0 if number % 2 else 12, "y": 8 * ((number - 1) // 2)},
        "fieldConfig": {"defaults": {"unit": spec["unit"]}, "overrides": []},
        "options": {},
        "targets": [{"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr,
                     "legendFormat": legend} for i, (expr, legend) in enumerate(spec["queries"])],
    }


def dashboard(uid):
    title, panels = DASHBOARDS[uid]
    uses_service = any("$service" in expr for spec in panels for expr, _ in spec["queries"])
    return {
        "uid": uid, "title": title, "tags": ["crm"], "timezone": "utc", "editable": True,
        "schemaVersion": 38, "version": 1, "refresh": "30s", "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [SERVICE_VARIABLE] if uses_service else []},
        "panels": [_panel_json(number, spec) for number, spec in enumerate(panels, start=1)],
    }


def rendered():
    """deploy path → JSON text, for the registry's generator and its drift check."""
    return {f"deploy/grafana/dashboards/{uid}.json": json.dumps(dashboard(uid), indent=2) + "\n"
            for uid in DASHBOARDS}


def expressions(document):
    """(panel title, PromQL with Grafana's variables replaced) of a dashboard's JSON."""
    found = []
    for spec in document["panels"]:
        for target in spec["targets"]:
            expr = target["expr"]
            for variable, value in VARIABLES.items():
                expr = expr.replace(variable, value)
            found.append((spec["title"], expr))
    return found


def panel_rules(documents):
    """A rules file (YAML-compatible JSON) recording every panel's expression, for promtool."""
    rules = []
    for document in documents:
        for number, (title, expr) in enumerate(expressions(document), start=1):
            name = re.sub(r"\W", "_", document["uid"])
            rules.append({"record": f"dashboard:{name}:q{number}", "expr": expr,
                          "labels": {"panel": title}})
    return json.dumps({"groups": [{"name": "dashboards", "rules": rules}]}, indent=1)
