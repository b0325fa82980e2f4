"""The costly analytics reports — customer groups (k-means), win drivers and open-deal odds (a
logistic regression) — timed on their first and second request, with the process cache
(services/reporting/computed.py) and without it (REPORTING_COMPUTED_ENTRIES=0: every request
computes, as before the cache), on a generated reporting database (SQLite file, events applied
through reporting's own inbox and projections):

    python -m bench.analytics_cache [--customers 5000]

Each customer has one to four deals of three products, two thirds closed (won more often for
one product and one region), by three reps of one team."""
import argparse
import os
import random
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import create_engine

from services.chassis.auth import Principal
from services.reporting import computed, inbox
from services.reporting.domains import METADATA
from services.reporting.domains.analytics.drivers.report import open_deal_odds, win_drivers
from services.reporting.domains.analytics.groups.report import groups
from tests.unit.chassis.fakes import make_db
from tests.unit.reporting.sales_support import Sales
from tests.unit.reporting.support import Customers, Identity

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
NOW = datetime(2025, 12, 10, 9, 0, tzinfo=timezone.utc)
REPS = ("u-a", "u-b", "u-c")
PRODUCTS = (("p1", "Widget", "100.00"), ("p2", "Gadget", "250.00"), ("p3", "Gizmo", "40.00"))
REGIONS = ("North", "South", "East", "West")


def events(count, seed=7):
    rng, customers, sales, identity = random.Random(seed), Customers(), Sales(), Identity()
    found = [identity.user(rep, team_id="t1") for rep in REPS]
    for number in range(count):
        customer, owner = f"c{number:05d}", REPS[number % 3]
        region = REGIONS[rng.randrange(4)]
        found.append(customers.create(customer, owner_id=owner, region=region,
                                      industry=rng.choice(("Retail", "Tech", "Food")),
                                      size=rng.choice((10, 80, 400, 2000)),
                                      lifecycle_stage="customer"))
        for deal_number in range(rng.randint(1, 4)):
            deal = f"{customer}-{deal_number}"
            product = PRODUCTS[rng.randrange(3)]
            created = START + timedelta(days=rng.randrange(600))
            found += sales.create(deal, owner, customer_id=customer, created_at=created,
                                  lines=[product])
            if rng.random() < 2 / 3:
                chance = 0.3 + 0.3 * (product[0] == "p2") + 0.2 * (region == "North")
                found += sales.move(deal, "won" if rng.random() < chance else "lost",
                                    created + timedelta(days=rng.randrange(5, 120)), "price")
    return found


def timed(function, db, principal, query):
    started = time.perf_counter()
    with db.read_only() as session:
        function(session, principal, query, now=NOW)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{os.path.join(folder, 'reporting.db')}")
        db = make_db(engine, METADATA, source="reporting")
        started = time.perf_counter()
        generated = events(args.customers)
        for page in range(0, len(generated), 500):
            inbox.consume_all(db, generated[page:page + 500])
        print(f"{args.customers} customers, {len(generated)} events applied in "
              f"{time.perf_counter() - started:.1f} s")
        admin, rep = Principal("u-admin", "admin"), Principal("u-a", "sales_rep", team_id="t1")
        cases = (("customers/groups", groups, {"as_of": date(2025, 12, 10).isoformat()}),
                 ("sales/win-drivers", win_drivers, {}), ("sales/open-deal-odds", open_deal_odds, {}))
        for entries in ("0", "32"):
            os.environ["REPORTING_COMPUTED_ENTRIES"] = entries
            computed.CACHE.clear()
            for name, function, query in cases:
                first, second = (timed(function, db, admin, query) for _ in range(2))
                other = timed(function, db, rep, query)
                print(f"cache {'off' if entries == '0' else 'on '}  {name:22} first {first:6.2f} s"
                      f"  second {second:6.2f} s  then a rep {other:6.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
