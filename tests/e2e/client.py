"""A small HTTP client for the journeys: the public API only, like any other client."""
import csv
import io
import uuid

import requests

from tests.helpers import wait_until

API = "/api/v1"


class Api:
    def __init__(self, base, token=None, user=None):
        self.base = base
        self.token = token
        self.user = user                  # the logged-in user's record, when known
        self.session = requests.Session()

    # --- plumbing ----------------------------------------------------------------------------
    def request(self, method, path, headers=None, **kwargs):
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        kwargs.setdefault("timeout", 30)
        if not path.startswith("http"):
            path = self.base + (path if path.startswith("/") else f"{API}/{path}")
        return self.session.request(method, path, headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def ok(self, method, path, expect=(200, 201, 202), **kwargs):
        response = self.request(method, path, **kwargs)
        assert response.status_code in (expect if isinstance(expect, tuple) else (expect,)), (
            f"{method} {path} → {response.status_code}: {response.text[:2000]}")
        return response.json() if response.content and "json" in response.headers.get(
            "Content-Type", "") else response

    # --- auth --------------------------------------------------------------------------------
    def login(self, email, password):
        """A new client for that user (this one keeps its own token). A 503 is asked again, as
        a client would: checking a password (argon2) takes seconds of CPU on a loaded 2-core
        machine, past the test system's short RPC deadline, and a second token request is
        harmless. Any other answer is final."""
        anonymous = Api(self.base)

        def answered():
            response = anonymous.request("POST", "auth/token",
                                         json={"email": email, "password": password})
            return response if response.status_code != 503 else None

        response = wait_until(answered, timeout=90, interval=0.5,
                              message=f"identity to answer a token request for {email} (503s)")
        assert response.status_code == 200, (
            f"POST auth/token → {response.status_code}: {response.text[:2000]}")
        body = response.json()
        client = Api(self.base, token=body["access_token"])
        client.user = client.ok("GET", "me")
        return client

    # --- shortcuts ---------------------------------------------------------------------------
    def create_team(self, name=None, region=None, **extra):
        body = {"name": name or f"team-{uuid.uuid4().hex[:8]}", **extra}
        if region is not None:
            body["region"] = region
        return self.ok("POST", "teams", json=body, expect=201)

    def create_user(self, role="sales_rep", region=None, team_id=None, password=None, **extra):
        """Creates a user (as admin) and returns a logged-in client for them, once the
        customers service has their copy (it learns users from identity's events)."""
        password = password or f"pw-{uuid.uuid4().hex}"
        body = {"email": f"{role}-{uuid.uuid4().hex[:10]}@e2e.example.com",
                "name": f"{role.replace('_', ' ').title()} {uuid.uuid4().hex[:6]}",
                "role": role, "password": password, **extra}
        if region is not None:
            body["region"] = region
        if team_id is not None:
            body["team_id"] = team_id
        user = self.ok("POST", "users", json=body, expect=201)
        client = self.login(body["email"], password)
        assert client.user["id"] == user["id"]
        if role in ("sales_rep", "manager", "admin"):
            self.wait_known_to_customers(user["id"])
        return client

    def wait_known_to_customers(self, user_id, timeout=20):
        """An admin may assign a customer only to a user the customers service knows: so a
        probe customer (the admin's own) is assigned to them until that works, then back."""
        me = self.user["id"]
        if not getattr(self, "_probe", None):
            def create_probe():
                response = self.post("customers", json={
                    "name": f"e2e probe {uuid.uuid4().hex[:8]}", "owner_id": me})
                return response.json()["id"] if response.status_code == 201 else None
            self._probe = wait_until(create_probe, timeout=timeout, message="the admin known to customers")
        wait_until(lambda: self.post(f"customers/{self._probe}/assign",
                                     json={"owner_id": user_id}).status_code == 200,
                   timeout=timeout, message=f"user {user_id} known to the customers service")
        self.ok("POST", f"customers/{self._probe}/assign", json={"owner_id": me})

    def create_customer(self, **fields):
        body = {"name": f"Customer {uuid.uuid4().hex[:10]}", **fields}
        return self.ok("POST", "customers", json=body, expect=201)

    def export_rows(self, params=None):
        response = self.get("customers/export", params=params)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.text)))

    def snapshot(self, params=None):
        """What this caller can list, as comparable data: a bad request must not change it."""
        return sorted((c["id"], c["name"], c["owner_id"], c["updated_at"], tuple(c["tags"]))
                      for c in self.list_all("customers", params))

    def list_all(self, path, params=None, limit=100):
        """Every item of a paginated list, following next_cursor."""
        items, cursor = [], None
        while True:
            query = dict(params or {}, limit=limit)
            if cursor:
                query["cursor"] = cursor
            page = self.ok("GET", path, params=query)
            items.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return items
