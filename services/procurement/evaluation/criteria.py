"""The evaluation criteria and the flag threshold: configuration as data (DESIGN.md §5) — read
from `evaluation_config`, or the defaults below until a buyer sets them; every change is
published (evaluation_criteria_changed) so a read model follows it.

The weighted score is Σ score × weight / Σ weight over the criteria, each score 0-100, rounded
half up to 2 decimals: weights need not add up to 100 (40/30/20/10 and 4/3/2/1 weigh alike)."""
import json
from decimal import ROUND_HALF_UP, Decimal

from services.procurement.evaluation.models import EvaluationConfig

DEFAULT_CRITERIA = (
    {"key": "quality", "name": "Quality", "weight": 40},
    {"key": "on_time_delivery", "name": "On-time delivery", "weight": 30},
    {"key": "price", "name": "Price", "weight": 20},
    {"key": "service", "name": "Service", "weight": 10},
)
DEFAULT_THRESHOLD = Decimal("60.00")
CENTS = Decimal("0.01")


def current(session):
    """{"criteria": [...], "flag_threshold": Decimal, "updated_by", "updated_at"}."""
    row = session.get(EvaluationConfig, 1)
    if row is None:
        return {"criteria": [dict(c) for c in DEFAULT_CRITERIA],
                "flag_threshold": DEFAULT_THRESHOLD, "updated_by": None, "updated_at": None}
    return {"criteria": json.loads(row.criteria), "flag_threshold": row.flag_threshold,
            "updated_by": row.updated_by, "updated_at": row.updated_at}


def weighted(scores, weights):
    """Σ score × weight / Σ weight, half up to cents; `scores` and `weights` by criterion key."""
    total_weight = sum(weights.values())
    total = sum(scores[key] * weights[key] for key in weights)
    return (Decimal(total) / total_weight).quantize(CENTS, rounding=ROUND_HALF_UP)
