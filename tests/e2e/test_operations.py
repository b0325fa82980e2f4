"""What an operator relies on: health, readiness, the API document, metrics, JSON logs."""
import json

import pytest
import requests

from services import registry

pytestmark = pytest.mark.e2e


def test_health_ready_and_the_api_document(system, anonymous):
    assert anonymous.get("/health").json() == {"status": "ok"}
    ready = anonymous.get("/ready")
    assert ready.status_code == 200, ready.text
    assert {name: entry["status"] for name, entry in ready.json()["services"].items()} == {
        service.name: "ok" for service in registry.behind_gateway()}

    document = anonymous.get("/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/customers", "/api/v1/customers/{customer_id}/interactions"):
        assert path in paths, sorted(paths)
    docs = anonymous.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["Content-Type"]
    assert "/openapi.json" in docs.text


def test_every_service_exposes_its_own_metrics(system, admin):
    admin.ok("GET", "customers")                   # at least one call through every service
    for name, port in system.metrics_ports.items():
        body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert f'service="{name}"' in body, f"{name}: no samples labelled with its name"
        assert "crm_entrypoint_calls_total" in body


def test_logs_are_json_lines(system, admin):
    admin.ok("GET", "customers")
    for name in ("identity", "customers", "gateway"):
        entries = [json.loads(line) for line in system.logs(name, tail=500).splitlines()
                   if line.startswith("{")]
        assert entries, f"{name} wrote no JSON log lines"
        assert all({"ts", "level", "logger", "message"} <= set(entry) for entry in entries)
