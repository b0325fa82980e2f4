"""Property: whatever the sequence of deal operations and configuration changes (stage
probabilities, retired and re-activated stages, renames, products moved between series), in
whatever order reporting hears the events (repeats included), reporting's funnel equals sales'
board and an independent computation from sales' rows to the cent, product-line target
attainment equals sales' own, reconcile finds no difference, and a rebuild (the replay of
sales' log, in pages) gives exactly the live path's read models.

The real sales handlers and reporting projections on copies of their migrated SQLite
templates (config_system.py). A few examples in CI (profile kpi-ci); `KPI_PROPERTY_EXAMPLES=500`
runs more.
"""
import os

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.reporting.domains.sales.models import DealFact, DealOutcomes, DealStages
from tests.integration.reporting.config_system import ReportingSystem, SalesSystem

settings.register_profile(
    "kpi-ci", max_examples=10, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile(
    "kpi-more", parent=settings.get_profile("kpi-ci"),
    max_examples=int(os.environ.get("KPI_PROPERTY_EXAMPLES", "0") or 0) or 10)
PROFILE = "kpi-more" if os.environ.get("KPI_PROPERTY_EXAMPLES") else "kpi-ci"

STAGES = ("initial_contact", "needs_analysis", "proposal", "negotiation", "won", "lost")
OPEN_STAGES = STAGES[:4]
# Cents that make half-up per deal differ from rounding a sum (1, 50, 99 …), and large ones.
CENTS = st.one_of(st.integers(1, 200), st.sampled_from([50, 150, 9999, 123456789]),
                  st.integers(1, 10**13))
CURRENCIES = st.sampled_from(["EUR", "USD"])
CREATE = st.tuples(st.just("create"), st.integers(0, 1), CURRENCIES, CENTS, st.integers(1, 3),
                   st.integers(0, 1))
PROBABILITY = st.tuples(st.just("configure"), st.sampled_from(STAGES),
                        st.fixed_dictionaries({"probability": st.integers(0, 100)}))
OPERATIONS = st.one_of(
    CREATE,
    st.tuples(st.just("update"), st.integers(0, 50), CENTS, st.integers(1, 3), st.integers(0, 1)),
    st.tuples(st.just("series"), CURRENCIES, st.integers(0, 1), st.sampled_from(["GTX", "MG"])),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(STAGES)),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(STAGES)),
    PROBABILITY, PROBABILITY,
    st.tuples(st.just("configure"), st.sampled_from(OPEN_STAGES),
              st.fixed_dictionaries({"active": st.booleans()})),
    st.tuples(st.just("configure"), st.sampled_from(STAGES),
              st.fixed_dictionaries({"name": st.sampled_from(["Renamed", "Other name"]),
                                     "probability": st.integers(0, 100)})),
)


def rollups(reporting):
    """The deal read models (rollups and facts' probabilities), zero rows left out."""
    with reporting.db.read_only() as session:
        stages = {tuple(row[:5]): tuple(row[5:]) for row in session.execute(select(
            DealStages.bucket, DealStages.owner_id, DealStages.stage, DealStages.status,
            DealStages.currency, DealStages.count, DealStages.amount_cents,
            DealStages.weighted_cents)) if any(row[5:])}
        outcomes = {tuple(row[:4]): tuple(row[4:]) for row in session.execute(select(
            DealOutcomes.bucket, DealOutcomes.owner_id, DealOutcomes.status,
            DealOutcomes.currency, DealOutcomes.count, DealOutcomes.amount_cents,
            DealOutcomes.cycle_seconds)) if any(row[4:])}
        facts = dict(session.execute(select(DealFact.id, DealFact.probability)).all())
    return stages, outcomes, facts


def run(system, operations):
    for name, *arguments in operations:
        getattr(system, name)(*arguments)


@settings(settings.get_profile(PROFILE))
@given(first=st.lists(CREATE, min_size=1, max_size=6),
       operations=st.lists(OPERATIONS, min_size=1, max_size=20),
       changes=st.lists(PROBABILITY, min_size=1, max_size=3),
       then=st.lists(OPERATIONS, max_size=5), data=st.data())
def test_reporting_follows_every_configuration_change(migration_templates, first, operations,
                                                      changes, then, data):
    sales = SalesSystem(migration_templates)
    live = ReportingSystem(migration_templates, sales)
    try:
        run(sales, first + operations + changes + then)      # at least one reprice
        events = sales.events()
        event(f"configuration events: {sum(e['event_type'] == 'pipeline_stage_updated' for e in events)}")
        # Live: every event once in an order the broker might produce, some twice.
        order = data.draw(st.permutations(events), label="delivery order")
        repeats = data.draw(st.lists(st.sampled_from(events), max_size=5), label="repeats") \
            if events else []
        live.deliver(order + repeats)

        want = sales.oracle()
        assert sales.board() == want                    # sales' own figures, per deal
        assert live.funnel() == want
        assert live.attainment() == sales.attainment()     # product lines: series as set now
        result = live.reconcile()
        assert result["ok"] and result["difference_count"] == 0, result["differences"]

        before = rollups(live)
        page_size = data.draw(st.integers(1, 8), label="rebuild page size")
        live.rebuild(page_size)
        assert rollups(live) == before                  # the replay = the live path
        assert live.funnel() == want
    finally:
        live.dispose()
        sales.engine.dispose()


def test_a_won_deal_counts_toward_its_product_lines_target_whatever_the_date(
        migration_templates):
    """The fixed clock puts every win inside the targets' quarter, so the attainment the
    property compares is not zero on both sides by the calendar (a wall-clock quarter and wall-
    clock wins fell apart across a quarter's end)."""
    sales = SalesSystem(migration_templates)
    live = ReportingSystem(migration_templates, sales)
    try:
        run(sales, [("create", 0, "EUR", 150, 2, 0), ("move", 0, "won")])
        live.deliver(sales.events())
        attained = sales.attainment()
        assert sorted(attained.values()) == ["0.00", "0.00", "0.00", "3.00"]
        assert live.attainment() == attained
    finally:
        live.dispose()
        sales.engine.dispose()
