"""get_customer: the tombstone redirect, the scope and the tags in one statement."""
import pytest
from sqlalchemy import event

from services.chassis.errors import NotFound
from services.customers.handlers import customers, merge, tags
from tests.unit.customers.support import ADMIN, MANAGER, REP_A, REP_C, call, create


@pytest.fixture
def statements(memory_engine):
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)
    event.listen(memory_engine, "before_cursor_execute", record)
    yield seen
    event.remove(memory_engine, "before_cursor_execute", record)


def get(db, principal, customer_id):
    return call(db, customers.get_customer, principal, customer_id, write=False)


def test_one_statement_answers_a_merged_id_with_its_winner_and_sorted_tags(people, statements):
    winner = create(people, REP_A, name="Acme")["id"]
    loser = create(people, REP_A, name="Acme Two", force=True)["id"]
    call(people, tags.tag_customers, REP_A, [winner], ["vip", "Alpha", "partner"])
    call(people, merge.merge_customers, REP_A, winner, loser)
    statements.clear()

    redirected = get(people, REP_A, loser)
    assert redirected["id"] == winner and redirected["redirected_from"] == loser
    assert redirected["tags"] == ["Alpha", "partner", "vip"]
    assert len(statements) == 1, statements
    direct = get(people, REP_A, winner)
    assert "redirected_from" not in direct and direct["tags"] == ["Alpha", "partner", "vip"]
    assert get(people, MANAGER, loser)["id"] == winner         # a team member's customer


def test_a_customer_without_tags_and_the_scope(people):
    mine = create(people, REP_A, name="Solo")["id"]
    assert get(people, REP_A, mine)["tags"] == [] and get(people, ADMIN, mine)["id"] == mine
    for principal, customer_id in ((REP_C, mine), (REP_A, "no-such-id"), (REP_A, 42)):
        with pytest.raises(NotFound):
            get(people, principal, customer_id)


def test_a_merged_id_is_not_found_for_who_cannot_see_the_winner(people):
    winner = create(people, REP_A, name="Acme")["id"]
    loser = create(people, REP_C, name="Acme Two", force=True)["id"]
    call(people, merge.merge_customers, ADMIN, winner, loser)
    with pytest.raises(NotFound):
        get(people, REP_C, loser)                              # REP_C owned the loser, not the winner
