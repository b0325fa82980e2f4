"""Rebuild from zero while live events keep arriving: every event counts exactly once."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from services.chassis.errors import Conflict, Invalid
from services.reporting.inbox import positions
from services.reporting import consumer, lease, rebuild
from services.reporting.domains.customers.models import CustomerComposition, InteractionActivity
from services.reporting.domains.sales.models import DealOutcomes
from services.reporting.domains.sales.models import PaymentFact
from tests.unit.reporting.sales_support import outcomes, stages
from tests.unit.reporting.support import T0, apply, state


def history(customers, identity):
    """27 customers events and a user: creates, calls, a reassignment, an update, a merge."""
    identity.user("u1")
    for index in range(12):
        customers.create(f"c{index}", owner_id="u1", region="EU" if index % 2 else "US",
                         created_at=T0 + timedelta(hours=index * 7))
        customers.interaction("u1", "call", T0 + timedelta(hours=index))
    customers.assign("c1", "u2")
    customers.update("c2", lifecycle_stage="customer")
    customers.merge("c3", "c4")


def live_during_replay(db, customers, fetch):
    """A fetch that lets live traffic happen between pages: a new customer, a new interaction
    and a redelivery of an old event, each applied at once by the live path."""
    counter = iter(range(1000))

    def fetch_page(position, limit):
        index = next(counter)
        apply(db, customers.create(f"live{index}", owner_id="u1"),
              customers.interaction("u2", "email", T0 + timedelta(days=1)),
              customers.events[index % 5])
        if index % 3 == 0:
            apply(db, customers.update(f"live{index}", lifecycle_stage="prospect"))
        return fetch(position, limit)
    return fetch_page


def fold(fresh_db, *logs):
    """The state a reporting database should hold: every event applied once."""
    expected = fresh_db()
    for log in logs:
        apply(expected, *log.events)
    return state(expected)


@pytest.fixture
def loaded(db, customers, identity, sales):
    fetchers = {"customers": customers.fetch, "identity": identity.fetch, "sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}
    history(customers, identity)
    with lease.hold(db) as held:
        consumer.catch_up_sources(db, fetchers, held)
    return fetchers


@pytest.mark.parametrize("names", [["all"], ["customers"], ["interactions"], ["customers", "users"]])
def test_rebuild_with_live_traffic_counts_nothing_twice(db, customers, identity, loaded, fresh_db, names):
    with db.unit_of_work() as uow:                    # damage to prove the replay recomputes
        uow.session.execute(update(CustomerComposition).values(count=CustomerComposition.count + 7))
        uow.session.execute(delete(InteractionActivity))
    live = {"customers": live_during_replay(db, customers, customers.fetch),
            "identity": identity.fetch, "sales": loaded["sales"],
            "marketing": loaded["marketing"], "service_desk": loaded["service_desk"],
            "procurement": loaded["procurement"]}
    with lease.hold(db) as held:
        result = rebuild.rebuild(db, live, names, held, page_size=4)
        consumer.catch_up_sources(db, loaded, held)  # the next periodic round
    assert set(result["projections"]) == set(rebuild.expand(names))
    replayed = result["sources"]["customers"]
    assert replayed["position"] >= replayed["target"] >= 27    # chased live traffic, then switched
    assert len(customers.events) > replayed["target"] + 10    # live traffic during the replay
    composition, created, activity = state(db)
    want = fold(fresh_db, customers, identity)
    rebuilt = set(result["projections"])
    if "customers" in rebuilt:
        assert (composition, created) == want[:2]
    if "interactions" in rebuilt:
        assert activity == want[2]
    assert positions(db)["customers"] == len(customers.events)


def test_rebuilding_one_projection_leaves_the_others_alone(db, customers, identity, loaded, fresh_db):
    with lease.hold(db) as held:
        result = rebuild.rebuild(db, loaded, ["interactions"], held)
    # Only the 12 interactions are re-applied; the other events are the other projections'
    # (still in the inbox: duplicates), read up to the head.
    assert result["sources"] == {"customers": {"applied": 12, "position": 27, "target": 27,
                                               "caught_up": 0}}
    assert result["before"] == result["after"]
    assert state(db) == fold(fresh_db, customers, identity)


def test_a_purged_log_is_refused_before_anything_is_cleared(db, customers, identity, loaded):
    before = state(db)
    purged = {"customers": lambda position, limit: customers.fetch(max(position, 3), limit),
              "identity": identity.fetch, "sales": loaded["sales"],
            "marketing": loaded["marketing"], "service_desk": loaded["service_desk"],
            "procurement": loaded["procurement"]}
    with lease.hold(db) as held, pytest.raises(Conflict) as refused:
        rebuild.rebuild(db, purged, ["all"], held)
    assert refused.value.details == {"source": "customers"}
    assert state(db) == before


def test_unknown_projections_are_invalid():
    with pytest.raises(Invalid):
        rebuild.expand(["customers", "tickets"])
    assert rebuild.expand(None) == ["users", "customers", "interactions", "deals", "cash",
                                    "targets", "campaigns", "service_desk_tickets",
                                    "service_desk_surveys", "procurement_suppliers",
                                    "procurement_approvals", "procurement_orders",
                                    "churn_contacts"]


def test_the_lease_excludes_a_second_holder_until_released_or_expired(db, monkeypatch):
    with lease.hold(db):
        with pytest.raises(lease.Busy):
            with lease.hold(db):
                pass
        assert consumer.catch_up_round(db, {}) == {}          # skipped, not blocked
    with lease.hold(db):
        pass                                                  # released
    monkeypatch.setenv("REPORTING_LEASE_SECONDS", "-1")     # every lease is already expired
    with lease.hold(db):
        with lease.hold(db):
            pass


@pytest.mark.parametrize("length", [0, 1, 2, 5, 8, 9, 100])
def test_the_head_of_a_log_is_found_in_few_reads(customers, length):
    for index in range(length):
        customers.create(f"c{index}")
    reads = []

    def fetch(position, limit):
        reads.append(position)
        return customers.fetch(position, limit)
    assert rebuild.log_head(fetch) == length
    assert len(reads) <= 2 * length.bit_length() + 2


def test_a_rebuild_of_a_database_that_never_consumed_reaches_the_head(db, customers, identity, sales,
                                                                      fresh_db):
    history(customers, identity)
    fetchers = {"customers": customers.fetch, "identity": identity.fetch, "sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}
    with lease.hold(db) as held:
        result = rebuild.rebuild(db, fetchers, ["all"], held)
    assert result["sources"]["customers"] == {"applied": 27, "position": 27, "target": 27,
                                              "caught_up": 0}
    assert state(db) == fold(fresh_db, customers, identity)


def deal_history(sales):
    for index in range(6):
        sales.create(f"d{index}", owner_id=f"u{index % 2}", amount=f"{index + 1}0.25",
                     created_at=T0 + timedelta(hours=index))
        sales.move(f"d{index}", "proposal")
    sales.move("d0", "won", T0 + timedelta(days=2))
    sales.move("d1", "lost", T0 + timedelta(days=2), "price")
    sales.move("d1", "negotiation", T0 + timedelta(days=3))


def test_rebuilding_the_deals_with_live_deal_traffic_counts_nothing_twice(db, sales, fresh_db):
    deal_history(sales)
    counter = iter(range(1000))

    def live_page(position, limit):              # a new deal and a redelivery between pages
        index = next(counter)
        apply(db, *sales.create(f"live{index}"), sales.events[index % 7])
        return sales.fetch(position, limit)
    with lease.hold(db) as held:
        consumer.catch_up_sources(db, {"sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}, held)
        with db.unit_of_work() as uow:            # damage: the replay must recompute
            uow.session.execute(delete(DealOutcomes))
        result = rebuild.rebuild(db, {"sales": live_page}, ["deals"], held, page_size=3)
        consumer.catch_up_sources(db, {"sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}, held)
    assert result["projections"] == ["deals"]
    assert len(sales.events) > result["sources"]["sales"]["target"] + 3
    want = fresh_db()
    apply(want, *sales.events)
    assert (stages(db), outcomes(db)) == (stages(want), outcomes(want))
    assert sum(count for count, _amount, _w in stages(db).values()) == len(sales.deals)


def kpi_facts(db):
    """Every row of the sales KPI fact tables (lines, stage entries, invoices, payments,
    targets), comparable across databases."""
    from services.reporting.domains.sales.models import (DealLineFact, DealStageEntry,
                                                         InvoiceFact, PaymentFact, TargetFact)
    with db.read_only() as session:
        return {model.__tablename__: sorted(
                    tuple(getattr(row, c.name) for c in model.__table__.columns)
                    for row in session.scalars(select(model)))
                for model in (DealLineFact, DealStageEntry, InvoiceFact, PaymentFact, TargetFact)}


@pytest.mark.parametrize("names", [["all"], ["deals", "cash", "targets"]])
def test_rebuilding_the_sales_kpi_facts_ends_where_applying_the_log_once_does(db, sales,
                                                                            fresh_db, names):
    from datetime import date
    from tests.unit.reporting.cash_support import Cash
    cash = Cash(sales)
    for index in range(4):
        sales.create(f"d{index}", lines=[("p1", "GTX Pro", f"{index + 1}0.00")])
        sales.move(f"d{index}", "proposal", T0 + timedelta(hours=index + 1))
    sales.move("d0", "won", T0 + timedelta(days=2))
    cash.issue("i1", "10.00", date(2025, 3, 1), date(2025, 3, 31))
    cash.pay("i1", "4.00", date(2025, 3, 2))
    cash.overdue("i1")
    cash.target("t1", "100.00")
    cash.target("t1", "150.00")
    cash.target("t2", "1.00")
    cash.remove("t2")
    with lease.hold(db) as held:
        consumer.catch_up_sources(db, {"sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}, held)
        with db.unit_of_work() as uow:            # damage: the replay must recompute
            uow.session.execute(update(PaymentFact).values(amount_cents=1))
        rebuild.rebuild(db, {"sales": sales.fetch, "customers": lambda position, limit: [],
                             "identity": lambda position, limit: [],
                             "marketing": lambda position, limit: [],
                             "service_desk": lambda position, limit: [],
           "procurement": lambda position, limit: []}, names, held, page_size=3)
    want = fresh_db()
    apply(want, *sales.events)
    assert kpi_facts(db) == kpi_facts(want)
    assert len(kpi_facts(db)["payment_fact"]) == 1 and len(kpi_facts(db)["deal_stage_entry"]) == 9


def test_two_projections_fed_by_one_event_type_apply_it_once_each_and_rebuild_alone(
        db, customers, identity, loaded, monkeypatch):
    """A second projection on customer_created (as campaign ROI will share deal_won with the
    deals projection): each applies every event once, live or caught up, and rebuilding either
    replays into it alone."""
    from services.reporting import inbox
    from services.reporting.domains import PROJECTIONS
    from services.reporting.plugin import Projection
    applied = []

    def note(_session, envelope):
        applied.append(envelope["event_id"])
    monkeypatch.setitem(PROJECTIONS, "created", Projection(
        "created", {"customers": {"customer_created": note}}, ()))
    key = ("customers", "customer_created")
    monkeypatch.setitem(inbox.ROUTES, key, inbox.ROUTES[key] + [("created", note)])
    created = [event["event_id"] for event in customers.events
               if event["event_type"] == "customer_created"]
    with lease.hold(db) as held:
        consumer.catch_up_sources(db, loaded, held)            # a new projection catches up
    assert applied == created
    live = customers.create("c-new")
    assert apply(db, live, live) == ["processed", "duplicate"]
    assert applied == created + [live["event_id"]]
    before = state(db)
    with lease.hold(db) as held:
        consumer.catch_up_sources(db, loaded, held)            # duplicates for both
        assert applied == created + [live["event_id"]]
        result = rebuild.rebuild(db, loaded, ["created"], held)
    assert applied == 2 * (created + [live["event_id"]])       # replayed into it alone
    assert result["sources"]["customers"]["applied"] == len(created) + 1
    assert state(db) == before                                  # the customers projection: as was
    assert apply(db, customers.events[0]) == ["duplicate"]     # its inbox rows were kept
    with lease.hold(db) as held:
        rebuild.rebuild(db, loaded, ["customers"], held)
    assert len(applied) == 2 * (len(created) + 1) and state(db) == before
    assert inbox.projection_positions(db)[("created", "customers")] == len(customers.events)
