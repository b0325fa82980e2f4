"""Who may read whom, list filters and cursor pagination."""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid, NotFound
from services.identity.handlers import users
from tests.unit.identity.helpers import ADMIN, principal_of


@pytest.fixture
def org(make_user, make_team):
    """Two teams: EMEA (manager Mia, reps Ana and Ben) and APAC (rep Cho); Dan reports to Mia
    directly without being in her team; Eve is a marketer."""
    emea, apac = make_team("EMEA", region="emea"), make_team("APAC", region="apac")
    mia = make_user("mia@example.com", role="manager", team_id=emea["id"], region="emea", name="Mia")
    people = {
        "mia": mia,
        "ana": make_user("ana@example.com", team_id=emea["id"], region="emea", name="Ana"),
        "ben": make_user("ben@example.com", team_id=emea["id"], region="emea", name="Ben"),
        "cho": make_user("cho@example.com", team_id=apac["id"], region="apac", name="Cho"),
        "dan": make_user("dan@example.com", manager_id=mia["id"], name="Dan"),
        "eve": make_user("eve@example.com", role="marketer", name="Eve"),
    }
    return {"emea": emea, "apac": apac, **people}


def get(db, principal, user_id):
    with db.read_only() as session:
        return users.get_user(session, principal, user_id)


def listed(db, principal, **query):
    with db.read_only() as session:
        return users.list_users(session, principal, query)


def emails(page):
    return [user["email"].split("@")[0] for user in page["items"]]


def test_a_user_reads_themselves_but_nobody_else(db, org):
    ana = principal_of(org["ana"])
    assert get(db, ana, org["ana"]["id"]) == org["ana"]
    for other in ("ben", "mia", "cho"):
        with pytest.raises(NotFound):
            get(db, ana, org[other]["id"])


def test_someone_elses_user_looks_exactly_like_a_missing_one(db, org):
    ana = principal_of(org["ana"])
    with pytest.raises(NotFound) as hidden:
        get(db, ana, org["ben"]["id"])
    with pytest.raises(NotFound) as missing:
        get(db, ana, "00000000-0000-0000-0000-000000000000")
    assert hidden.value.message == missing.value.message


def test_a_manager_reads_their_team_and_reports_only(db, org):
    mia = principal_of(org["mia"])
    for name in ("mia", "ana", "ben", "dan"):
        assert get(db, mia, org[name]["id"])["id"] == org[name]["id"]
    for name in ("cho", "eve"):
        with pytest.raises(NotFound):
            get(db, mia, org[name]["id"])
    assert emails(listed(db, mia)) == ["ana", "ben", "dan", "mia"]


def test_the_managers_team_comes_from_the_database_not_the_token(db, org):
    stale = Principal(user_id=org["mia"]["id"], role="manager", team_id=org["apac"]["id"])
    with pytest.raises(NotFound):
        get(db, stale, org["cho"]["id"])


def test_admin_reads_and_lists_everyone(db, org):
    assert get(db, ADMIN, org["cho"]["id"])["email"] == "cho@example.com"
    assert emails(listed(db, ADMIN)) == ["ana", "ben", "cho", "dan", "eve", "mia"]


def test_list_filters(db, org, make_user):
    with db.unit_of_work() as uow:
        users.deactivate_user(uow, ADMIN, org["ben"]["id"])
    assert emails(listed(db, ADMIN, role="manager")) == ["mia"]
    assert emails(listed(db, ADMIN, region="emea")) == ["ana", "ben", "mia"]
    assert emails(listed(db, ADMIN, team_id=org["emea"]["id"], active=True)) == ["ana", "mia"]
    assert emails(listed(db, ADMIN, active=False)) == ["ben"]
    assert emails(listed(db, ADMIN, q="CHO")) == ["cho"]             # name, case-insensitive
    assert emails(listed(db, ADMIN, q="eve@exa")) == ["eve"]         # email
    assert emails(listed(db, ADMIN, q="%")) == []                     # LIKE wildcards escaped


def test_cursor_pagination_walks_every_user_once(db, org):
    seen, cursor = [], None
    while True:
        page = listed(db, ADMIN, limit=4, **({"cursor": cursor} if cursor else {}))
        seen += emails(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["items"]) == 4
    assert seen == ["ana", "ben", "cho", "dan", "eve", "mia"]


def test_a_cursor_cannot_be_forged_and_limits_are_checked(db, org):
    with pytest.raises(Invalid) as caught:
        listed(db, ADMIN, cursor="forged-cursor")
    assert "cursor" in caught.value.details
    for bad in (0, 101, "ten"):
        with pytest.raises(Invalid) as caught:
            listed(db, ADMIN, limit=bad)
        assert "limit" in caught.value.details


def test_unknown_query_fields_are_refused(db, org):
    with pytest.raises(Invalid) as caught:
        listed(db, ADMIN, owner="x")
    assert "owner" in caught.value.details


def test_active_users_for_assignment(db, org):
    with db.unit_of_work() as uow:
        users.deactivate_user(uow, ADMIN, org["ben"]["id"])
    with db.read_only() as session:
        reps = users.list_active_users(session, role="sales_rep")
        emea_reps = users.list_active_users(session, role="sales_rep", region="emea")
        team = users.list_active_users(session, team_id=org["emea"]["id"])
        with pytest.raises(Invalid):
            users.list_active_users(session, role="wizard")
    assert [user["name"] for user in reps] == ["Ana", "Cho", "Dan"]
    assert [user["name"] for user in emea_reps] == ["Ana"]
    assert [user["name"] for user in team] == ["Ana", "Mia"]
