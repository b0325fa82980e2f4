"""A service outage: the gateway answers a fast 503 instead of hanging, keeps serving what
does not need the missing service, and recovers by itself when the service is back."""
import uuid

import pytest

from tests.e2e.system import elapsed
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

MARGIN = 2.0        # process scheduling, HTTP, JSON — not a second timeout


def test_stopped_customers_service_gives_a_fast_503_and_recovers(system, admin):
    before = admin.snapshot()
    lost_name = f"Written during the outage {uuid.uuid4().hex[:8]}"
    system.stop_service("customers")
    try:
        response, seconds = elapsed(admin.get, "customers")
        assert response.status_code == 503, response.text
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "service_unavailable"
        assert seconds < system.rpc_timeout + MARGIN, f"503 took {seconds:.1f}s"

        write, seconds = elapsed(admin.post, "customers", json={"name": lost_name})
        assert write.status_code == 503, write.text
        assert seconds < system.rpc_timeout + MARGIN

        ready = admin.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["services"]["customers"]["status"] == "unavailable"
        assert ready.json()["services"]["identity"]["status"] == "ok"
        assert admin.get("me").status_code == 200          # identity is unaffected
    finally:
        system.start_service("customers")

    wait_until(lambda: admin.get("customers").status_code == 200, timeout=60,
               message="GET /customers answering again after the restart")
    system.wait_ready()
    # The request the gateway gave up on expired in the queue: it was not executed late.
    assert admin.snapshot() == before
    assert admin.list_all("customers", {"q": lost_name}) == []
    created = admin.create_customer(name=f"After the outage {uuid.uuid4().hex[:8]}")
    assert admin.ok("GET", f"customers/{created['id']}")["id"] == created["id"]
