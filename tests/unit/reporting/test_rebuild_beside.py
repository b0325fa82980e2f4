"""A rebuild builds beside the live read models: the reports read complete figures all along
(finding 4 of issue 10: 3,522 won deals instead of 4,238 while a rebuild ran), the switch is
one transaction, and an event the live path applies around the switch is neither lost nor
doubled."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.chassis.errors import Conflict
from services.reporting import computed, consumer, inbox, lease, rebuild
from services.reporting.models import ProjectionInbox
from tests.unit.reporting.sales_support import outcomes, stages
from tests.unit.reporting.support import T0, apply

NOTHING = {"customers": lambda position, limit: [], "identity": lambda position, limit: [],
           "marketing": lambda position, limit: [], "service_desk": lambda position, limit: [],
           "procurement": lambda position, limit: []}


def many_deals(sales, count=40):
    for index in range(count):
        sales.create(f"d{index}", owner_id=f"u{index % 3}", amount=f"{index + 1}0.00",
                     created_at=T0 + timedelta(hours=index))
        if index % 2:
            sales.move(f"d{index}", "won", T0 + timedelta(days=2))


def sales_kpis(db):
    return stages(db), outcomes(db)


def caught_up(db, sales):
    with lease.hold(db) as held:
        consumer.catch_up_sources(db, {"sales": sales.fetch}, held)


def oracle(fresh_db, sales):
    want = fresh_db()
    apply(want, *sales.events)
    return sales_kpis(want)


@pytest.mark.parametrize("names", [["all"], ["deals"]])
def test_the_reports_read_complete_figures_during_the_rebuild_and_after_the_switch(
        db, sales, fresh_db, names):
    many_deals(sales)
    caught_up(db, sales)
    complete = sales_kpis(db)
    assert complete == oracle(fresh_db, sales) and sum(c for c, _a, _s in outcomes(db).values()) == 20
    read_during = []
    with db.read_only() as session:
        before = computed.version(session)

    def watched(position, limit):               # what a report reads between two replayed pages
        read_during.append(sales_kpis(db))
        return sales.fetch(position, limit)
    with lease.hold(db) as held:
        rebuild.rebuild(db, {"sales": watched, **NOTHING}, names, held, page_size=4)
    assert len(read_during) > 10
    assert all(seen == complete for seen in read_during), "a report saw partial figures"
    assert sales_kpis(db) == complete
    with db.read_only() as session:       # no event applied live, yet the tables were replaced:
        after = computed.version(session)  # the figures cached from them are stale
    assert after == (before[0], before[1] + 1)


def test_a_live_event_applied_after_the_last_chase_is_caught_up_before_the_switch(
        db, sales, fresh_db, monkeypatch):
    """Live transactions that began before the fence (simulated: the first reads of the fence
    see none) apply events the shadow has not read: the switch finds them, the shadow catches
    up, the switch is tried again; then every event counts once."""
    many_deals(sales, 10)
    caught_up(db, sales)
    blind = iter(range(6))
    real_fenced = inbox.fenced
    monkeypatch.setattr(inbox, "fenced",
                        lambda session: set() if next(blind, None) is not None else real_fenced(session))
    attempts = []
    real_switch = rebuild.switch
    monkeypatch.setattr(rebuild, "switch",
                        lambda *args: attempts.append(1) or real_switch(*args))
    counter = iter(range(1000))

    def live_page(position, limit):             # a new deal, applied live, at every read
        apply(db, *sales.create(f"live{next(counter)}"))
        return sales.fetch(position, limit)
    with lease.hold(db) as held:
        rebuild.rebuild(db, {"sales": live_page, **NOTHING}, ["deals"], held, page_size=3)
    assert len(attempts) > 1
    caught_up(db, sales)
    assert sales_kpis(db) == oracle(fresh_db, sales)
    from services.reporting.models import RebuildFence
    with db.read_only() as session:
        assert session.scalars(select(RebuildFence)).all() == []
        applied = session.scalars(select(ProjectionInbox.event_id)
                                  .where(ProjectionInbox.projection == "deals")).all()
    assert len(applied) == len(set(applied)) == len(sales.events)


def test_a_rebuild_that_cannot_switch_changes_nothing_and_lifts_its_fence(db, sales, fresh_db,
                                                                         monkeypatch):
    many_deals(sales, 10)
    caught_up(db, sales)
    monkeypatch.setattr(inbox, "fenced", lambda session: set())    # the fence never seen
    counter = iter(range(1000))

    def live_page(position, limit):
        apply(db, *sales.create(f"live{next(counter)}"))
        return sales.fetch(position, limit)
    with lease.hold(db) as held, pytest.raises(Conflict):
        rebuild.rebuild(db, {"sales": live_page, **NOTHING}, ["deals"], held, page_size=3)
    monkeypatch.undo()
    caught_up(db, sales)                       # the live tables were kept: each event once
    assert sales_kpis(db) == oracle(fresh_db, sales)
    from services.reporting.models import RebuildFence
    with db.read_only() as session:
        assert session.scalars(select(RebuildFence)).all() == []
