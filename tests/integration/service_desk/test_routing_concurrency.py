"""Two replicas assigning a team's new tickets at the same moment, on a migrated PostgreSQL
database (SQLite serialises writers anyway): the team's routing row makes the second wait for
the first one's commit, then see its choice — turns strictly alternate, no agent gets two
turns in a row or is skipped, and least-loaded ends level."""
import eventlet
import pytest
from sqlalchemy import select

from services.chassis.db import make_engine
from services.service_desk.routing import assign, handlers
from services.service_desk.tickets.models import Ticket
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import AGENT_A, AGENT_A2, SUPPORT_MANAGER, desk_db, seeded_db

TEAM_A = AGENT_A.team_id


@pytest.fixture
def replicas(migrated_database):
    url = migrated_database("service_desk", "postgresql")
    engines = [make_engine(url), make_engine(url)]
    first = seeded_db(engines[0])
    yield first, desk_db(engines[1])
    for engine in engines:
        engine.dispose()


def set_mode(db, mode):
    with db.unit_of_work(actor=SUPPORT_MANAGER.user_id) as uow:
        handlers.set_team_routing(uow, SUPPORT_MANAGER, TEAM_A, {"mode": mode})


def assigned_in_commit_order(db):
    with db.read_only() as session:
        return list(session.scalars(select(Ticket.assignee_id).where(Ticket.team_id == TEAM_A)
                                    .order_by(Ticket.created_at, Ticket.id)))


@pytest.mark.postgres
def test_a_second_replica_waits_for_the_first_ones_turn(replicas):
    one, two = replicas
    set_mode(one, "round_robin")
    with one.unit_of_work(actor="system") as uow:
        chosen, _mode = assign.next_agent(uow.session, TEAM_A)       # holds the team's row
        other = eventlet.spawn(ops.create_ticket, two, SUPPORT_MANAGER, team_id=TEAM_A)
        eventlet.sleep(0.5)
        assert not other.dead, "the second replica did not wait for the first one's turn"
    assert chosen == AGENT_A.user_id
    assert other.wait()["assignee_id"] == AGENT_A2.user_id           # it saw the first choice


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["round_robin", "least_loaded"])
def test_many_creations_on_two_replicas_share_the_team_fairly(replicas, mode):
    one, two = replicas
    set_mode(one, mode)
    threads = [eventlet.spawn(ops.create_ticket, (one, two)[n % 2], SUPPORT_MANAGER,
                              team_id=TEAM_A, subject=f"T{n}") for n in range(20)]
    answers = [thread.wait() for thread in threads]
    chosen = [answer["assignee_id"] for answer in answers]
    assert sorted(chosen).count(AGENT_A.user_id) == chosen.count(AGENT_A2.user_id) == 10
    with one.read_only() as session:
        assert handlers.get_team_routing(session, TEAM_A)["turns"] == 20
    if mode == "round_robin":
        in_order = assigned_in_commit_order(one)     # created_at is taken after the turn lock
        assert all(a != b for a, b in zip(in_order, in_order[1:])), in_order
