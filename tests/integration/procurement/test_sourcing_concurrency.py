"""Two replicas deciding one request at the same moment, on a migrated PostgreSQL database
(SQLite serialises writers anyway): while one holds its choice uncommitted, the other's choice
of another offer waits on the request's row, then sees the first and is a 409 naming it — never
two offers chosen; likewise a second contract made while the first is uncommitted is a 409
naming it, not a 500 from the unique index, and numbers stay gapless."""
import eventlet
import pytest

from services.chassis.db import make_engine
from services.chassis.errors import Conflict
from services.procurement.orders import contracts
from services.procurement.sourcing.handlers import choice
from tests.unit.procurement.sourcing_support import (approved_request, ask, choose, offer,
                                                     suppliers)
from tests.unit.procurement.support import BUYER, BUYER2, procurement_db

WAIT = 0.5      # long enough for an unblocked write to finish: it must still be waiting


@pytest.fixture
def replicas(migrated_database):
    url = migrated_database("procurement", "postgresql")
    engines = [make_engine(url), make_engine(url)]
    yield procurement_db(engines[0]), procurement_db(engines[1])
    for engine in engines:
        engine.dispose()


def _two_offers(db):
    request = approved_request(db)
    first, second = ask(db, request["id"], suppliers(db, "Acme", "Bolt"))
    for quotation in (first, second):
        offer(db, quotation["id"], request, ["1700.00", "190.00"])
    return request, first, second


def _refused(thread):
    with pytest.raises(Conflict) as refused:
        thread.wait()
    return refused.value.details


@pytest.mark.postgres
def test_a_second_choice_waits_for_the_first_and_is_refused(replicas):
    one, two = replicas
    request, first, second = _two_offers(one)
    with one.unit_of_work(actor=BUYER.user_id) as uow:
        chosen = choice.choose_quotation(uow, BUYER, first["id"], {"reason": "Cheapest"})
        other = eventlet.spawn(choose, two, second["id"], "Faster", BUYER2)
        eventlet.sleep(WAIT)
        assert not other.dead, "the second choice did not wait for the first one's commit"
    assert _refused(other) == {"id": chosen["id"]}


@pytest.mark.postgres
def test_a_second_contract_waits_for_the_first_and_is_refused(replicas):
    one, two = replicas
    request, first, _second = _two_offers(one)
    choose(one, first["id"])
    body = {"request_id": request["id"]}
    with one.unit_of_work(actor=BUYER.user_id) as uow:
        made = contracts.create_contract(uow, BUYER, body)
        other = eventlet.spawn(lambda: _create(two, body))
        eventlet.sleep(WAIT)
        assert not other.dead, "the second contract did not wait for the first one's commit"
    assert _refused(other) == {"id": made["id"]}
    assert made["number"].endswith("-00001")


def _create(db, body):
    with db.unit_of_work(actor=BUYER2.user_id) as uow:
        return contracts.create_contract(uow, BUYER2, body)
