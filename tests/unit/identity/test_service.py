"""The service class: who may call what (worker_factory, the real use cases, no broker)."""
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory

from services.chassis.auth import CONTEXT_KEY, SYSTEM, Principal, PrincipalAccess
from services.chassis.errors import Forbidden, NotFound, Unauthorized
from services.identity.service import IdentityService
from tests.unit.identity.helpers import PASSWORD, principal_of


def service_as(db, principal):
    context = SimpleNamespace(data={CONTEXT_KEY: principal.to_json()} if principal else {})
    return worker_factory(IdentityService, db=db, principal=PrincipalAccess(context))


NEW_USER = {"email": "new@example.com", "name": "New", "role": "agent", "password": PASSWORD}


@pytest.fixture
def people(make_user, make_team):
    team = make_team("EMEA")
    return {"admin": make_user("root@example.com", role="admin"),
            "manager": make_user("mia@example.com", role="manager", team_id=team["id"]),
            "rep": make_user("ana@example.com", team_id=team["id"])}


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_only_admin_manages_users_and_teams(db, people, role):
    service = service_as(db, principal_of(people[role]))
    rep_id = people["rep"]["id"]
    for call in (lambda: service.create_user(NEW_USER),
                 lambda: service.update_user(rep_id, {"name": "x"}),
                 lambda: service.deactivate_user(rep_id),
                 lambda: service.create_team({"name": "APAC"})):
        with pytest.raises(Forbidden):
            call()


def test_admin_and_the_system_manage_users(db, people):
    assert service_as(db, principal_of(people["admin"])).create_user(NEW_USER)["role"] == "agent"
    assert service_as(db, SYSTEM).update_user(people["rep"]["id"], {"region": "emea"})["region"] == "emea"


def test_listing_users_is_for_managers_and_admins(db, people):
    with pytest.raises(Forbidden):
        service_as(db, principal_of(people["rep"])).list_users({})
    assert len(service_as(db, principal_of(people["manager"])).list_users({})["items"]) == 2
    assert len(service_as(db, principal_of(people["admin"])).list_users(None)["items"]) == 3


def test_calls_without_a_principal_are_unauthorized_except_login(db, people):
    anonymous = service_as(db, None)
    for call in (lambda: anonymous.get_user(people["rep"]["id"]),
                 lambda: anonymous.list_active_users(),
                 lambda: anonymous.list_teams(),
                 lambda: anonymous.create_api_key("k"),
                 lambda: anonymous.list_api_keys()):
        with pytest.raises(Unauthorized):
            call()
    assert anonymous.issue_token("ana@example.com", PASSWORD)["token_type"] == "Bearer"


def test_any_user_reads_assignment_candidates_and_teams(db, people):
    rep = service_as(db, principal_of(people["rep"]))
    assert [user["email"] for user in rep.list_active_users(role="manager")] == ["mia@example.com"]
    assert [team["name"] for team in rep.list_teams()] == ["EMEA"]
    with pytest.raises(NotFound):
        rep.get_user(people["manager"]["id"])


def test_api_keys_round_trip_through_the_service(db, people):
    rep = service_as(db, principal_of(people["rep"]))
    created = rep.create_api_key("zapier")
    assert service_as(db, None).authenticate_api_key(created["key"])["user_id"] == people["rep"]["id"]
    assert [key["id"] for key in rep.list_api_keys()] == [created["id"]]
    rep.revoke_api_key(created["id"])
    with pytest.raises(Unauthorized):
        service_as(db, None).authenticate_api_key(created["key"])
    stranger = Principal(user_id="someone", role="sales_rep")
    with pytest.raises(NotFound):
        service_as(db, stranger).revoke_api_key(created["id"])
