"""A small hand-checked customer base for the analytics reports' unit tests (their expected
figures are worked out in the tests' docstrings): customers with owners, regions and classes,
and their won deals at noon UTC on given days."""
from datetime import date, datetime, time, timezone

from tests.unit.reporting.support import T0, apply

#  customer: (owner, region, current class, [(close day, amount, currency, product)])
BASE = {
    "c1": ("u-a", "North", "B", [(date(2025, month, 20), "1000.00", "EUR", "p1")
                                  for month in (2, 5, 8, 11, 12)]),
    "c2": ("u-a", "North", None, [(date(2025, 3, 1), "500.00", "EUR", "p1"),
                                  (date(2025, 7, 1), "500.00", "EUR", "p2"),
                                  (date(2025, 11, 1), "500.00", "EUR", "p2")]),
    "c3": ("u-a", "South", "B", [(date(2025, 1, 10), "300.00", "EUR", "p1"),
                                 (date(2025, 6, 30), "300.00", "EUR", "p1")]),
    "c4": ("u-b", "South", "A", [(date(2025, 2, 1), "100.00", "EUR", "p2")]),
    "c5": ("u-b", "South", "C", [(date(2024, 6, 1), "9999.00", "EUR", "p1")]),
    "c6": ("u-b", "North", None, []),
    "c7": ("u-b", "North", None, [(date(2025, 12, 1), "50.00", "USD", "p3"),
                                  (date(2025, 12, 30), "50.00", "USD", "p3")]),
}


def noon(day):
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def load_base(db, customers, sales, base=BASE):
    events = []
    for customer_id, (owner, region, klass, deals) in base.items():
        events.append(customers.create(customer_id, owner_id=owner, region=region,
                                       value_class=klass, lifecycle_stage="customer"))
        for number, (day, amount, currency, product) in enumerate(deals):
            deal_id = f"{customer_id}-{number}"
            events += sales.create(deal_id, owner, currency=currency, created_at=T0,
                                   customer_id=customer_id, lines=[(product, product, amount)])
            events += sales.move(deal_id, "won", noon(day))
    apply(db, *events)
