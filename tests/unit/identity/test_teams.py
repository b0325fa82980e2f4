import pytest

from services.chassis.errors import Conflict, Invalid
from services.identity.handlers import teams


def test_teams_are_created_and_listed_by_name(db, make_team, make_user):
    boss = make_user("boss@example.com", role="manager")
    emea = make_team(" EMEA Sales ", manager_id=boss["id"], region="emea")
    apac = make_team("APAC Sales")
    assert emea["name"] == "EMEA Sales" and emea["manager_id"] == boss["id"]
    with db.read_only() as session:
        assert teams.list_teams(session) == [apac, emea]


def test_team_names_are_unique_regardless_of_case(make_team):
    make_team("EMEA Sales")
    with pytest.raises(Conflict):
        make_team("emea sales")


def test_a_team_manager_must_exist(db, make_team):
    with pytest.raises(Invalid) as caught:
        make_team("EMEA", manager_id="nobody")
    assert "manager_id" in caught.value.details
    with db.read_only() as session:
        assert teams.list_teams(session) == []
