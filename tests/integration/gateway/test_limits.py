"""Size limits, rate limits and the deadlines that keep the gateway from hanging."""
import time

from gateway.imports import PART_BYTES
from services import registry
from tests.integration.gateway.support import API, assert_problem
from tests.integration.gateway.fakes import FakeCustomers, FakeIdentity


def test_oversized_body_by_content_length_is_413(start_gateway):
    client = start_gateway(env={"MAX_BODY_BYTES": 1000}).as_user()
    response = client.post(f"{API}/customers", data=b'{"name": "' + b"x" * 2000 + b'"}',
                           headers={"Content-Type": "application/json"})
    assert assert_problem(response, 413, "payload_too_large")["limit"] == 1000


def test_oversized_chunked_body_is_413_while_reading(start_gateway):
    client = start_gateway(env={"MAX_BODY_BYTES": 1000}).as_user()

    def chunks():                       # no Content-Length: only counting while reading catches it
        yield b'{"name": "'
        for _ in range(5):
            yield b"x" * 400
        yield b'"}'
    response = client.post(f"{API}/customers", data=chunks(),
                           headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "payload_too_large")


def test_chunked_body_within_the_limit_is_read(start_gateway):
    client = start_gateway(env={"MAX_BODY_BYTES": 1000}).as_user()
    response = client.post(f"{API}/customers", data=iter([b'{"name": ', b'"Acme"}']),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text


def test_imports_have_their_own_larger_limit(start_gateway):
    client = start_gateway(env={"MAX_BODY_BYTES": 100, "IMPORT_MAX_BYTES": 5000}).as_user()
    csv_text = "name\n" + "Acme\n" * 200                      # 1005 bytes: over 100, under 5000
    ok = client.post(f"{API}/customers/imports", data=csv_text, headers={"Content-Type": "text/csv"})
    assert ok.status_code == 202, ok.text
    big = client.post(f"{API}/customers/imports", data=csv_text * 6,
                      headers={"Content-Type": "text/csv"})
    assert_problem(big, 413)


def test_an_import_too_large_midway_is_413_and_its_job_aborted_with_the_reason(start_gateway):
    client = start_gateway(env={"IMPORT_MAX_BYTES": PART_BYTES + 10}).as_user()
    FakeCustomers.aborted.clear()
    chunks = iter([b"name\n" + b"Acme\n" * (PART_BYTES // 5), b"Late\n" * 10])   # no length: chunked
    response = client.post(f"{API}/customers/imports", data=chunks, headers={"Content-Type": "text/csv"})
    assert assert_problem(response, 413)["import_id"] == "job-1"     # the failed job, to fetch
    assert FakeCustomers.aborted == {
        "job-1": f"The request body exceeds the limit of {PART_BYTES + 10} bytes."}


def test_an_import_the_service_refuses_is_422_with_its_failed_job(start_gateway):
    client = start_gateway().as_user()
    FakeCustomers.aborted.clear()
    response = client.post(f"{API}/customers/imports", data="name\n", headers={"Content-Type": "text/csv"})
    problem = assert_problem(response, 422)
    assert problem["errors"] == {"csv": ["The file has a header but no rows."]}
    assert problem["import_id"] == "job-1"
    assert FakeCustomers.aborted == {"job-1": "csv: The file has a header but no rows."}


def test_an_import_refused_before_any_job_has_no_import_id(start_gateway):
    response = start_gateway().as_user().post(f"{API}/customers/imports", data=b"",
                                              headers={"Content-Type": "text/csv"})
    assert "import_id" not in assert_problem(response, 400)


def test_rate_limit_is_per_principal_with_retry_after(start_gateway):
    client = start_gateway(env={"RATE_LIMIT_BURST": 2, "RATE_LIMIT_PER_MINUTE": 1})
    alice = client.as_user(user_id="alice").headers
    statuses = [client.get(f"{API}/customers/c-1", headers=alice).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get(f"{API}/customers/c-1", headers=alice)
    assert_problem(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1
    bob = client.as_user(user_id="bob").headers
    assert client.get(f"{API}/customers/c-1", headers=bob).status_code == 200


def test_unauthenticated_requests_are_limited_per_client_ip(start_gateway):
    client = start_gateway(env={"RATE_LIMIT_BURST": 2, "RATE_LIMIT_PER_MINUTE": 1})
    body = {"email": "a@example.com", "password": "guess"}
    statuses = [client.post(f"{API}/auth/token", json=body).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert client.get("/health").status_code == 200          # probes are never limited


def test_failed_credentials_spend_the_client_ip_budget(start_gateway):
    client = start_gateway(env={"RATE_LIMIT_BURST": 2, "RATE_LIMIT_PER_MINUTE": 1})
    guesses = [client.get(f"{API}/customers/c-1", headers={"X-API-Key": f"guess-{n}"}).status_code
               for n in range(3)]
    assert guesses == [401, 401, 429]


def test_a_missing_service_is_a_fast_503(start_gateway):
    client = start_gateway(env={"RPC_TIMEOUT_SECONDS": 30}, services=(FakeIdentity,)).as_user()
    started = time.monotonic()
    response = client.get(f"{API}/customers/c-1")
    elapsed = time.monotonic() - started
    body = assert_problem(response, 503, "service_unavailable")
    assert body["service"] == "customers" and int(response.headers["Retry-After"]) > 0
    assert elapsed < 10, f"took {elapsed:.1f}s: waited for the 30s timeout instead of failing fast"


def test_a_silent_service_is_a_503_after_the_rpc_timeout(start_gateway):
    client = start_gateway(env={"RPC_TIMEOUT_SECONDS": 0.5}).as_user()
    started = time.monotonic()
    response = client.get(f"{API}/customers/slow")
    assert_problem(response, 503, "service_unavailable")
    assert time.monotonic() - started < 10


def test_ready_reports_each_service(start_gateway):
    client = start_gateway(env={"READY_TIMEOUT_SECONDS": 1}, services=(FakeIdentity,))
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["services"]["identity"] == {"status": "ok"}
    assert response.json()["services"]["customers"]["status"] == "unavailable"


def test_ready_and_health_when_all_is_up(client):
    # every service of the registry behind the gateway, each answered by its fake
    assert client.get("/ready").json() == {
        "status": "ok", "services": {service.name: {"status": "ok"}
                                     for service in registry.behind_gateway()}}
    assert client.get("/health").json() == {"status": "ok"}
