"""Issue 10, finding 1, re-tried: the customers process is paused (SIGSTOP) during creates; the
gateway answers 503. Before: each paused create was still executed when the process resumed,
and the client's retry made a duplicate. Now: a create whose caller gave up is never started,
and a retry with the same Idempotency-Key is done once and answers its first answer."""
import os
import signal
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def expired_creates(system):
    """customers' create_customer calls refused because their caller's deadline had passed."""
    text = requests.get(f"http://127.0.0.1:{system.metrics_ports['customers']}/metrics",
                        timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "crm_entrypoint_calls_total" and sample.labels.get(
                    "name") == "create_customer" and sample.labels.get("outcome") == "expired":
                return sample.value
    return 0


def test_creates_paused_past_their_deadline_are_not_done_and_a_keyed_retry_is_done_once(
        system, admin):
    name, unkeyed = (f"Paused create {uuid.uuid4().hex[:8]}" for _ in range(2))
    key = {"Idempotency-Key": str(uuid.uuid4())}
    expired_before = expired_creates(system)
    customers = system.processes["customers"]
    os.kill(customers.pid, signal.SIGSTOP)
    try:
        first = admin.post("customers", json={"name": name}, headers=key)
        assert first.status_code == 503, first.text
        problem = first.json()
        assert problem["may_have_applied"] is True
        assert "may still be applied" in problem["detail"] and "Idempotency-Key" in problem["detail"]
        assert admin.post("customers", json={"name": unkeyed}).status_code == 503
    finally:
        os.kill(customers.pid, signal.SIGCONT)

    retry = admin.post("customers", json={"name": name}, headers=key)
    assert retry.status_code == 201, retry.text
    again = admin.post("customers", json={"name": name}, headers=key)
    assert (again.status_code, again.json()) == (201, retry.json())     # the first answer
    assert again.headers["Location"] == retry.headers["Location"]
    reused = admin.post("customers", json={"name": name + " (other)"}, headers=key)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    # Both creates sent during the pause reached customers before their deadline and waited in
    # its paused process: on resuming it refused to start them.
    wait_until(lambda: expired_creates(system) >= expired_before + 2, timeout=30,
               message="customers refusing the two creates whose callers had given up")
    assert [c["id"] for c in admin.list_all("customers", {"q": name})] == [retry.json()["id"]]
    assert admin.list_all("customers", {"q": unkeyed}) == []
