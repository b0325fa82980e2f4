"""Bad input gets a precise 4xx and changes nothing: each case asserts the status AND that
what the caller (and the admin) can list afterwards is exactly what it was before."""
import base64
import json
import time
import uuid

import jwt
import pytest

from tests.e2e.conftest import new_region

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rep(admin):
    """One rep with two customers for the module (made once: a user, a login and two customers
    per test cost more than the checks); each test snapshots, at its start, what it may not
    change."""
    region_name, team = new_region(admin)
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    rep.region = region_name
    rep.create_customer(name="Existing One", region=region_name)
    rep.create_customer(name="Existing Two", region=region_name)
    return rep


@pytest.fixture
def unchanged(admin, rep):
    """unchanged(response, status): asserts the status and that no list moved."""
    def snapshots():
        return rep.snapshot(), admin.snapshot({"region": rep.region}), len(admin.list_all("users"))

    before = snapshots()

    def check(response, *statuses):
        assert response.status_code in statuses, f"{response.status_code}: {response.text[:500]}"
        if response.status_code >= 400 and response.content:
            assert response.headers["Content-Type"] == "application/problem+json", response.headers
            problem = response.json()
            assert problem["status"] == response.status_code and problem["detail"]
        assert snapshots() == before
        return response
    return check


def test_malformed_json_and_wrong_content_type(rep, unchanged):
    unchanged(rep.post("customers", data=b'{"name": "half', headers={"Content-Type": "application/json"}),
              400)
    unchanged(rep.post("customers", data=b"", headers={"Content-Type": "application/json"}), 400)
    unchanged(rep.post("customers", data=b'["a list"]', headers={"Content-Type": "application/json"}), 422)
    unchanged(rep.post("customers", data=b"name=form",
                       headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    unchanged(rep.post("customers", data="\udcff".encode("utf-8", "surrogatepass"),
                       headers={"Content-Type": "application/json"}), 400)


@pytest.mark.parametrize("body, field", [
    ({"name": 123}, "name"),                                   # wrong type
    ({"name": "Typed", "size": "many"}, "size"),
    ({"name": "Typed", "size": True}, "size"),
    ({"name": "Money", "annual_revenue": 10.5, "currency": "USD"}, "annual_revenue"),   # float money
    ({"name": "Money", "annual_revenue": "1.001", "currency": "USD"}, "annual_revenue"),
    ({"name": "Money", "annual_revenue": "100"}, "currency"),  # amount without currency
    ({"name": "Unknown", "colour": "red"}, "colour"),           # unknown field
    ({"name": "Unknown", "created_by": "someone"}, "created_by"),
    ({}, "name"),                                               # missing required
    ({"name": "   "}, "name"),                                  # blank
    ({"name": "Mail", "email": "not-an-email"}, "email"),       # invalid email
    ({"name": "Phone", "phone": "call me maybe"}, "phone"),     # invalid phone
    ({"name": "Phone", "phone": "12"}, "phone"),
    ({"name": "Enum", "lifecycle_stage": "bogus"}, "lifecycle_stage"),   # invalid enum
    ({"name": "Enum", "value_class": "Z"}, "value_class"),
    ({"name": "Enum", "currency": "XXX1"}, "currency"),
    ({"name": "x" * 201}, "name"),                              # too long
])
def test_invalid_customer_bodies_are_422_naming_the_field(rep, unchanged, body, field):
    problem = unchanged(rep.post("customers", json=body), 422).json()
    assert field in problem.get("errors", {}), problem


def test_owner_id_is_not_mass_assignable_by_a_rep(admin, rep, unchanged):
    other = admin.ok("GET", "me")["id"]
    unchanged(rep.post("customers", json={"name": "Mine really", "owner_id": other}), 403, 422)
    customer_id = rep.snapshot()[0][0]
    unchanged(rep.patch(f"customers/{customer_id}", json={"owner_id": other}), 422)
    unchanged(rep.post(f"customers/{customer_id}/assign", json={"owner_id": other}), 403, 404)


def test_invalid_interactions_and_tags(rep, unchanged):
    customer_id = rep.snapshot()[0][0]
    path = f"customers/{customer_id}/interactions"
    for body in ({"summary": "no kind"}, {"kind": "telepathy", "summary": "x"},
                 {"kind": "call", "summary": "x", "occurred_at": "yesterday"},
                 {"kind": "call", "summary": "x", "occurred_at": "2024-01-01T10:00:00"},   # naive
                 {"kind": "call", "summary": "x", "mood": "great"}):
        unchanged(rep.post(path, json=body), 422)
    assert rep.ok("GET", path)["items"] == []
    unchanged(rep.post("customers/tags", json={"customer_ids": [customer_id], "tags": []}), 422)
    unchanged(rep.post("customers/tags", json={"customer_ids": [], "tags": ["x"]}), 422)
    unchanged(rep.post("customers/tags", json={"customer_ids": [customer_id], "tags": ["   "]}), 422)
    # all or nothing: one unknown id and nothing is tagged
    unchanged(rep.post("customers/tags", json={"customer_ids": [customer_id, str(uuid.uuid4())],
                                               "tags": ["partial"]}), 404)


def test_oversized_body_is_413(rep, unchanged):
    body = json.dumps({"name": "Big", "address": "x" * (1024 * 1024 + 1)}).encode()
    unchanged(rep.post("customers", data=body, headers={"Content-Type": "application/json"}), 413)


@pytest.mark.parametrize("limit", ["0", str(10 ** 9), "-1", "ten", "1.5"])
def test_page_size_out_of_range(rep, unchanged, limit):
    unchanged(rep.get("customers", params={"limit": limit}), 422)


def test_forged_and_foreign_cursors(rep, admin, unchanged):
    first = rep.ok("GET", "customers", params={"limit": 1})
    assert first["next_cursor"], "two customers and limit=1: there must be a next page"
    cursor = first["next_cursor"]
    unchanged(rep.get("customers", params={"cursor": "garbage"}), 422)
    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    unchanged(rep.get("customers", params={"cursor": tampered}), 422)
    forged = base64.urlsafe_b64encode(b"\0" * 16 + json.dumps(
        {"v": ["a", "b"], "s": "customers:x", "t": int(time.time())}).encode()).decode().rstrip("=")
    unchanged(rep.get("customers", params={"cursor": forged}), 422)
    # a genuine cursor is bound to its caller and its query
    unchanged(admin.get("customers", params={"cursor": cursor, "limit": 1}), 422)
    unchanged(rep.get("customers", params={"cursor": cursor, "limit": 1, "sort": "name"}), 422)
    assert rep.get("customers", params={"cursor": cursor, "limit": 1}).status_code == 200


def _token(secret, algorithm="HS256", **overrides):
    now = int(time.time())
    claims = {"sub": str(uuid.uuid4()), "role": "admin", "team_id": None, "region": None,
              "iss": "crm-identity", "aud": "crm-api", "iat": now, "exp": now + 600,
              "jti": str(uuid.uuid4()), **overrides}
    return jwt.encode(claims, secret, algorithm=algorithm)


def _unsigned(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.filterwarnings("ignore:The HMAC key")       # HS512 with the real (short) secret
def test_forged_expired_and_unsigned_tokens_are_401(system, admin, rep, unchanged):
    me = rep.user
    real_claims = jwt.decode(rep.token, options={"verify_signature": False})
    tokens = {
        "wrong secret": _token("not-the-secret-" + "y" * 32, sub=me["id"]),
        "expired": _token(system.jwt_secret, sub=me["id"], iat=int(time.time()) - 7200,
                          exp=int(time.time()) - 3600),
        "wrong audience": _token(system.jwt_secret, sub=me["id"], aud="someone-else"),
        "wrong issuer": _token(system.jwt_secret, sub=me["id"], iss="evil"),
        "alg none": _unsigned({**real_claims, "role": "admin"}),
        "HS512": _token(system.jwt_secret, algorithm="HS512", sub=me["id"]),
        "tampered role": ".".join([rep.token.split(".")[0], base64.urlsafe_b64encode(json.dumps(
            {**real_claims, "role": "admin"}).encode()).decode().rstrip("="), rep.token.split(".")[2]]),
        "garbage": "not.a.token",
    }
    for name, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        response = unchanged(rep.post("customers", json={"name": f"By {name}"}, headers=headers), 401)
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), name
        unchanged(rep.get("customers", headers=headers), 401)
    unchanged(rep.get("customers", headers={"Authorization": "Basic YWRtaW46YWRtaW4="}), 401)
    unchanged(rep.request("GET", "customers", headers={"Authorization": ""}), 401)


STRANGE = [
    "Robert'); DROP TABLE customer;--",
    "\" OR 1=1 --",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>&amp;",
    "😀 Emoji Ltd 🚀",
    "株式会社テスト",
    "Ünïcödé Straße",
    "مرحبا",
    "%s %n {0} ${jndi:ldap://x}",
]


def test_strange_strings_are_stored_verbatim_and_returned_as_json(rep, admin):
    before = rep.snapshot()
    created = {}
    for text in STRANGE:
        response = rep.post("customers", json={"name": text, "address": text, "region": rep.region})
        assert response.status_code == 201, response.text
        assert response.headers["Content-Type"].startswith("application/json")
        created[response.json()["id"]] = text
    for customer_id, text in created.items():
        response = rep.get(f"customers/{customer_id}")
        assert response.headers["Content-Type"].startswith("application/json")
        assert (response.json()["name"], response.json()["address"]) == (text, text)
    listed = {c["id"]: c["name"] for c in rep.list_all("customers")}
    assert {i: listed[i] for i in created} == created
    # only the new ones appeared; the SQL did not run, the old rows are as they were
    assert sorted(row for row in rep.snapshot() if row[0] not in created) == before
    hits = rep.list_all("customers", {"q": "DROP TABLE"})
    assert [c["name"] for c in hits] == [STRANGE[0]]
    assert [c["name"] for c in rep.list_all("customers", {"q": "テスト"})] == ["株式会社テスト"]
    exported = {row["name"] for row in rep.export_rows()}
    assert set(STRANGE) - exported == set(), "every name is in the CSV export verbatim"


@pytest.fixture
def other(admin, rep):
    """Another rep elsewhere, with a customer of their own (made before any snapshot)."""
    other = admin.create_user("sales_rep", region=f"Elsewhere-{uuid.uuid4().hex[:6]}")
    other.customer = other.create_customer(name="Not yours")
    return other


def test_someone_elses_ids_are_404(rep, other, unchanged):
    theirs = other.customer
    for method, path, body in [
        ("GET", f"customers/{theirs['id']}", None),
        ("PATCH", f"customers/{theirs['id']}", {"name": "mine now"}),
        ("GET", f"customers/{theirs['id']}/interactions", None),
        ("POST", f"customers/{theirs['id']}/interactions", {"kind": "note", "summary": "hi"}),
        ("GET", f"customers/{theirs['id']}/contacts", None),
        ("POST", f"customers/{theirs['id']}/contacts", {"name": "Spy"}),
        ("GET", f"customers/{uuid.uuid4()}", None),
        ("GET", "customers/not-a-uuid", None),
        ("GET", f"users/{other.user['id']}", None),
    ]:
        unchanged(rep.request(method, path, json=body), 404)
    assert other.ok("GET", f"customers/{theirs['id']}")["name"] == "Not yours"
    assert other.ok("GET", f"customers/{theirs['id']}/interactions")["items"] == []


def test_admin_only_writes_refused_to_a_rep(rep, unchanged):
    unchanged(rep.post("users", json={"email": "x@example.com", "name": "X", "role": "admin",
                                      "password": "long enough password"}), 403)
    unchanged(rep.post("teams", json={"name": "Rogue team"}), 403)


# --- issue 10 finding 5: every bad input a 4xx that changes nothing ---------------------------
# The rule (README "Bad input", services/chassis/characters.py): a lone surrogate or JSON nested
# deeper than 32 levels is a 400 at the gateway; a control character (C0, DEL, C1) in any field
# is a 422 naming it — tab and line breaks only in multi-line text —, in a path value a 404.

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("body", [
    rb'{"name": "a\ud800b"}',                       # was a UnicodeEncodeError in customers: 500
    rb'{"name": "ok", "address": "\udfff"}',
    rb'{"name": "ok", "\ud800": 1}',
])
def test_a_lone_surrogate_is_400_and_changes_nothing(rep, unchanged, body):
    problem = unchanged(rep.post("customers", data=body, headers=JSON), 400).json()
    assert problem["code"] == "invalid_unicode"


def test_json_nested_too_deep_is_400_and_changes_nothing(rep, unchanged):
    deep = 100_000                                  # was a RecursionError in the gateway: 500
    body = b'{"name": "Deep", "tags": ' + b"[" * deep + b"]" * deep + b"}"
    problem = unchanged(rep.post("customers", data=body, headers=JSON), 400).json()
    assert problem["code"] == "nesting_too_deep" and problem["limit"] == 32
    body = b'{"name": "Deep", "tags": ' + b"[" * 40 + b"]" * 40 + b"}"
    unchanged(rep.post("customers", data=body, headers=JSON), 400)


@pytest.mark.parametrize("name", ["Nul\x00Ltd", "Bell\x07", "\x1b[31mRed", "Del\x7f", "C1\x85",
                                  "Two\nlines", "Tab\there"])
def test_control_characters_in_a_name_are_422_naming_it(rep, unchanged, name):
    problem = unchanged(rep.post("customers", json={"name": name}), 422).json()
    assert list(problem["errors"]) == ["name"], problem


def test_line_breaks_are_kept_in_multi_line_text_only(rep):
    created = rep.ok("POST", "customers", json={"name": "Lines Ltd", "region": rep.region,
                                                "address": "1 Main St\r\nSpringfield\tUS"},
                     expect=201)
    assert rep.ok("GET", f"customers/{created['id']}")["address"] == "1 Main St\r\nSpringfield\tUS"
    response = rep.patch(f"customers/{created['id']}", json={"address": "1 Main St\x00"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["address"]


def test_a_control_character_in_a_stage_label_is_422_and_changes_nothing(admin):
    before = admin.ok("GET", "pipeline/stages")
    key = before[0]["key"]
    for name in ("Qualified\x00", "Quali\u0085fied", "Two\nlines"):
        response = admin.patch(f"pipeline/stages/{key}", json={"name": name})
        assert response.status_code == 422, response.text        # was 200, stored
        assert list(response.json()["errors"]) == ["name"]
    assert admin.ok("GET", "pipeline/stages") == before


def test_control_characters_in_query_strings_and_path_values(rep, unchanged):
    problem = unchanged(rep.get("customers", params={"q": "Acme\x00"}), 422).json()
    assert list(problem["errors"]) == ["q"]
    unchanged(rep.get("customers", params={"tags_any": "vip,b\x1bd"}), 422)
    unchanged(rep.get("customers/%00"), 404)
    unchanged(rep.patch("customers/%00", json={"name": "x"}), 404)


def test_a_control_character_in_a_csv_import_is_422_naming_the_line(rep, unchanged):
    body = "name,address\nGood Ltd,Here\nBad\x00Ltd,There\n".encode()
    problem = unchanged(rep.post("customers/imports", data=body,
                                 headers={"Content-Type": "text/csv"}), 422).json()
    assert problem["errors"] == {"csv": ["Line 3: Control character U+0000 is not allowed in a "
                                         "CSV file."]}


def test_a_boolean_is_true_or_false_not_0(admin):
    product = admin.ok("POST", "products", json={
        "name": f"Strict {uuid.uuid4().hex[:6]}", "list_price": "1.00", "currency": "EUR"},
        expect=201)
    response = admin.patch(f"products/{product['id']}", json={"active": 0})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["active"]
    assert admin.ok("GET", f"products/{product['id']}")["active"] is True
