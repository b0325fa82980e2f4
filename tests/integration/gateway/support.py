"""Helpers for the gateway's integration tests: an HTTP client and problem assertions."""

import requests

from tests.unit.gateway import jwt_factory

API = "/api/v1"


class Client:
    """`requests` against the gateway; `as_user(...)` adds a bearer token."""

    def __init__(self, base):
        self.base = base
        self.session = requests.Session()
        self.headers = {}

    def as_user(self, **claims):
        self.headers = {"Authorization": "Bearer " + jwt_factory.token(**claims)}
        return self

    def request(self, method, path, headers=None, **kwargs):
        merged = {**self.headers, **(headers or {})}
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base + path, headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)


def assert_problem(response, status, code=None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["type"].startswith("urn:crm:problem:")
    if code:
        assert body["code"] == code, body
    return body
