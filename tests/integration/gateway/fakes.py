"""Small stand-ins for identity and customers: canned answers, chassis errors, and what they
received (arguments and the principal from context data), so the gateway can be tested alone."""
from dataclasses import asdict

import eventlet
from eventlet.event import Event
from nameko.rpc import rpc

from services.chassis import idempotency
from services.chassis.auth import CurrentPrincipal
from services.chassis.errors import Conflict, Invalid, LoginThrottled, NotFound, Unauthorized
from services.chassis.rpc import CallContext

CALLS = []                  # (service, method, args) in call order; cleared per test
RELEASE = {"event": None}   # a slow call waits on this until the test lets it go
TOKEN_STATES = {}           # user id → {"token_version", "active"}; absent: version 0, active


def reset():
    CALLS.clear()
    TOKEN_STATES.clear()
    RELEASE["event"] = Event()


def _idempotency_seen(worker_ctx):
    """The Idempotency-Key and fingerprint this call carried (None, None without)."""
    return (worker_ctx.data.get(idempotency.KEY_CONTEXT),
            worker_ctx.data.get(idempotency.FINGERPRINT_CONTEXT))


def _seen(principal_access):
    principal = principal_access.get()
    return asdict(principal) if principal else None


class FakeIdentity:
    name = "identity"
    principal = CurrentPrincipal()

    @rpc
    def health(self):
        return {"service": "identity", "status": "ok"}

    @rpc
    def issue_token(self, email, password, client_ip=None):
        CALLS.append(("identity", "issue_token", (email, client_ip)))
        if email == "locked@example.com":
            raise LoginThrottled("Too many failed sign-in attempts; try again in 7 seconds.",
                                 {"retry_after": 7})
        if password != "right-password":
            raise Unauthorized("Wrong email or password.")
        return {"access_token": "issued-token", "token_type": "Bearer", "expires_in": 3600}

    @rpc
    def get_token_state(self, user_id):
        CALLS.append(("identity", "get_token_state", (user_id,)))
        return {"user_id": user_id, **TOKEN_STATES.get(user_id, {"token_version": 0, "active": True})}

    @rpc
    def logout(self):
        user_id = self.principal.require().user_id
        state = TOKEN_STATES.setdefault(user_id, {"token_version": 0, "active": True})
        state["token_version"] += 1
        CALLS.append(("identity", "logout", (user_id,)))
        return {"user_id": user_id, **state}

    @rpc
    def authenticate_api_key(self, key):
        CALLS.append(("identity", "authenticate_api_key", ()))
        if key != "good-key":
            raise Unauthorized("Unknown API key.")
        return {"user_id": "u-key", "role": "marketer", "team_id": None, "region": "emea"}

    @rpc
    def get_user(self, user_id):
        return {"id": user_id, "seen_principal": _seen(self.principal)}

    @rpc
    def list_users(self, query):
        return {"items": [], "next_cursor": None, "query": query}

    @rpc
    def create_user(self, data):
        CALLS.append(("identity", "create_user", (data,)))
        return {"id": "u-new", **data}

    @rpc
    def revoke_api_key(self, key_id):
        CALLS.append(("identity", "revoke_api_key", (key_id,)))
        return {"id": key_id, "revoked": True}


class FakeCustomers:
    name = "customers"
    principal = CurrentPrincipal()
    call_context = CallContext()

    @rpc
    def health(self):
        return {"service": "customers", "status": "ok"}

    @rpc
    def get_customer(self, customer_id):
        if customer_id == "missing":
            raise NotFound(f"No customer {customer_id}.", {"id": customer_id})
        if customer_id == "boom":
            raise RuntimeError("secret internal detail: password=hunter2")
        if customer_id == "slow":
            RELEASE["event"].wait()
        return {"id": customer_id, "seen_principal": _seen(self.principal)}

    @rpc
    def create_customer(self, data, force=False):
        CALLS.append(("customers", "create_customer", _idempotency_seen(self.call_context)))
        if data.get("name") == "slow":
            RELEASE["event"].wait()
        if data.get("name") == "busy":
            raise idempotency.IdempotencyKeyInUse("Still being processed.", {"retry_after": 1})
        if "name" not in data:
            raise Invalid("The request is not valid.", {"name": ["Missing data for required field."]})
        if data.get("email") == "dup@example.com" and not force:
            raise Conflict("A customer with this email exists.",
                           {"duplicate_of": "c-1", "match": "email"})
        return {"id": "c-new", **data, "forced": force}

    @rpc
    def list_customers(self, query):
        return {"items": [], "next_cursor": None, "query": query}

    @rpc
    def tag_customers(self, customer_ids, tags):
        return {"tagged": len(customer_ids), "tags": tags}

    uploads = {}            # job id → the parts received, by number (a class: one per worker)
    aborted = {}            # job id → the reason given

    @rpc
    def open_import(self):
        FakeCustomers.uploads["job-1"] = {}
        return {"id": "job-1", "status": "uploading"}

    @rpc
    def append_import(self, job_id, part_number, text):
        FakeCustomers.uploads[job_id][part_number] = text
        return {"id": job_id, "status": "uploading"}

    @rpc
    def close_import(self, job_id):
        text = "".join(part for _, part in sorted(FakeCustomers.uploads[job_id].items()))
        if len(text.splitlines()) < 2:          # as customers refuses a header without rows
            raise Invalid("The import file is not valid.", {"csv": ["The file has a header but no rows."]})
        return {"id": job_id, "status": "pending", "lines": len(text.splitlines())}

    @rpc
    def abort_import(self, job_id, reason):
        FakeCustomers.aborted[job_id] = reason
        return {"id": job_id, "status": "failed", "error": reason}

    @rpc
    def export_customers(self, query, with_meta=False):
        csv = "id,name\r\nc-1,Acme\r\n"
        return {"csv": csv, "rows": 1, "truncated": True, "max_rows": 1} if with_meta else csv


class FakeReporting:
    name = "reporting"

    @rpc
    def health(self):
        return {"service": "reporting", "status": "ok"}


class FakeWebhooks:
    name = "webhooks"

    @rpc
    def health(self):
        return {"service": "webhooks", "status": "ok"}


class FakeAudit:
    name = "audit"

    @rpc
    def health(self):
        return {"service": "audit", "status": "ok"}


class FakeMarketing:
    name = "marketing"

    @rpc
    def health(self):
        return {"service": "marketing", "status": "ok"}


class FakeServiceDesk:
    name = "service_desk"

    @rpc
    def health(self):
        return {"service": "service_desk", "status": "ok"}


class FakeProcurement:
    name = "procurement"

    @rpc
    def health(self):
        return {"service": "procurement", "status": "ok"}


class FakeSales:
    name = "sales"

    @rpc
    def health(self):
        return {"service": "sales", "status": "ok"}


def release_slow_calls():
    if RELEASE["event"] is not None and not RELEASE["event"].ready():
        RELEASE["event"].send(True)
    eventlet.sleep(0)
