"""A workload written through the real customers service, and the KPIs it should produce,
computed independently from customers' own tables (the test's oracle)."""
from collections import Counter
from datetime import timezone

from sqlalchemy import func, select

from services.chassis.auth import Principal
from services.customers.models import Customer, Interaction
from services.reporting.schemas import CUSTOMER_DIMENSIONS
from tests.helpers import wait_until
from tests.integration.customers.fake_identity import user
from tests.integration.customers.support import copied_users, rpc

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-mgr", "manager", team_id="t1")
REP_A = Principal("u-rep-a", "sales_rep", team_id="t1", region="EU")
REP_B = Principal("u-rep-b", "sales_rep", team_id="t1", region="EU")
REP_C = Principal("u-rep-c", "sales_rep", team_id="t2", region="US")
PEOPLE = (ADMIN, MANAGER, REP_A, REP_B, REP_C)
EVERY_DIMENSION = list(CUSTOMER_DIMENSIONS)


def publish_people(producers, databases):
    for person in PEOPLE:
        rpc(producers["identity"], "put_user", ADMIN,
            user(person.user_id, role=person.role, team_id=person.team_id, region=person.region))
    wanted = {person.user_id for person in PEOPLE}
    wait_until(lambda: wanted <= copied_users(databases["customers"]), message="users copied")


def workload(customers, tag="w"):
    """Creates, updates, reassignments, a merge and interactions, as various callers."""
    created = []
    for index, (owner, region, value_class, industry) in enumerate([
            (REP_A, "EU", "A", "Tech"), (REP_A, "EU", "B", None), (REP_B, "EU", None, "Retail"),
            (REP_C, "US", "C", "Tech"), (ADMIN, None, None, None), (REP_B, "EU", "A", "Tech")]):
        created.append(rpc(customers, "create_customer", ADMIN, {
            "name": f"{tag} customer {index}", "region": region, "value_class": value_class,
            "industry": industry, "owner_id": owner.user_id})["id"])
    own = rpc(customers, "create_customer", REP_C, {"name": f"{tag} rep's own", "region": "US"})
    created.append(own["id"])
    rpc(customers, "update_customer", ADMIN, created[0], {"lifecycle_stage": "customer"})
    rpc(customers, "update_customer", REP_B, created[2], {"lifecycle_stage": "prospect"})
    rpc(customers, "assign_customer", MANAGER, created[1], REP_B.user_id)
    rpc(customers, "merge_customers", ADMIN, created[5], created[2])
    for principal, customer, kind in [(REP_A, created[0], "call"), (REP_A, created[0], "email"),
                                      (REP_B, created[1], "meeting"), (REP_C, own["id"], "call"),
                                      (MANAGER, created[5], "note")]:
        rpc(customers, "log_interaction", principal, customer, {"kind": kind, "summary": "s"})
    return created


def expected_composition(engine):
    """{dimension tuple: count} of live customers, from customers' own table."""
    with engine.connect() as connection:
        rows = connection.execute(select(*[getattr(Customer, name) for name in EVERY_DIMENSION])
                                  .where(Customer.merged_into.is_(None))).all()
    return Counter(tuple(row) for row in rows)


def expected_interactions(engine):
    with engine.connect() as connection:
        return Counter(connection.execute(select(Interaction.user_id, Interaction.kind)).all())


def window(engine, column):
    """{"from", "to"}: the UTC days `column` (a customers table's timestamp) spans, from the
    producer's own rows rather than today's date, so a run across midnight keeps its window.
    No rows yet: a day with nothing in it."""
    with engine.connect() as connection:
        first, last = connection.execute(select(func.min(column), func.max(column))).one()
    if first is None:
        return {"from": "2000-01-03", "to": "2000-01-03"}
    return {"from": _utc_day(first), "to": _utc_day(last)}


def _utc_day(moment):
    return moment.astimezone(timezone.utc).date().isoformat()


def reported_composition(reporting, principal=ADMIN, **query):
    report = rpc(reporting, "customer_composition", principal,
                 {"group_by": EVERY_DIMENSION, **query})
    return Counter({tuple(row[name] for name in EVERY_DIMENSION): row["count"]
                    for row in report["rows"]})


def reported_interactions(reporting, period, principal=ADMIN):
    report = rpc(reporting, "interaction_activity", principal, {**period, "granularity": "total"})
    return Counter({(row["user_id"], row["kind"]): row["count"] for row in report["rows"]})


def reported_new(reporting, period, principal=ADMIN):
    return rpc(reporting, "new_customers", principal, period)["total"]


def kpis_match(reporting, databases):
    """All three KPIs equal the oracle (a predicate for wait_until)."""
    want = expected_composition(databases["customers"])
    return (reported_composition(reporting) == want
            and reported_new(reporting, window(databases["customers"], Customer.created_at))
            == sum(want.values())
            and reported_interactions(reporting, window(databases["customers"],
                                                        Interaction.occurred_at))
            == expected_interactions(databases["customers"]))
