"""The deal rollups (funnel, win rate, revenue) recomputed from sales' own deal rows
(reconcile_deal_facts) on their own terms — stage kind, the stage's probability, amount,
created / closed times — not through the projection's code."""
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from services.reporting import rollups
from services.reporting.domains.sales.models import DealOutcomes, DealStages

STAGE_KEY = ("bucket", "owner_id", "stage", "status", "currency")
OUTCOME_KEY = ("bucket", "owner_id", "status", "currency")
DEAL_MEASURES = {"deal_stages": (DealStages, STAGE_KEY, ("count", "amount_cents", "weighted_cents")),
                 "deal_outcomes": (DealOutcomes, OUTCOME_KEY,
                                   ("count", "amount_cents", "cycle_seconds"))}
KEYS = {f"{kpi}.{name}": key for kpi, (_m, key, names) in DEAL_MEASURES.items() for name in names}


def expected(deal_facts):
    """{"deal_stages.count": Counter, …} from sales' own deal rows."""
    found = {f"{kpi}.{name}": Counter() for kpi, (_m, _k, names) in DEAL_MEASURES.items()
             for name in names}
    for deal in deal_facts:
        amount = int(Decimal(deal["amount"]) * 100)
        weighted = int((Decimal(amount) * deal["probability"] / 100)
                       .quantize(Decimal(1), ROUND_HALF_UP))
        created = datetime.fromisoformat(deal["created_at"])
        owner, currency = rollups.as_key(deal["owner_id"]), rollups.as_key(deal["currency"])
        key = (rollups.bucket(created), owner, deal["stage"], deal["status"], currency)
        for name, value in (("count", 1), ("amount_cents", amount), ("weighted_cents", weighted)):
            found[f"deal_stages.{name}"][key] += value
        if deal["status"] in ("won", "lost") and deal["closed_at"]:
            closed = datetime.fromisoformat(deal["closed_at"])
            key = (rollups.bucket(closed), owner, deal["status"], currency)
            for name, value in (("count", 1), ("amount_cents", amount),
                                ("cycle_seconds", int((closed - created).total_seconds()))):
                found[f"deal_outcomes.{name}"][key] += value
    return found


def actual(session):
    found = {}
    for kpi, (model, key, names) in DEAL_MEASURES.items():
        rows = session.execute(select(*[getattr(model, n) for n in key],
                                      *[getattr(model, n) for n in names])).all()
        for index, name in enumerate(names):
            found[f"{kpi}.{name}"] = Counter({tuple(row[:len(key)]): row[len(key) + index]
                                              for row in rows})
    return found
