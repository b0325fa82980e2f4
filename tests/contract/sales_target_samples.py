"""sales' target events as it publishes them (Python values), for the contract tests."""
from datetime import datetime, timezone
from decimal import Decimal

from tests.contract.cash_targets_samples import TARGET

WHEN = datetime(2026, 3, 14, 23, 30, tzinfo=timezone.utc)
AT_RISK_FIELDS = ("id", "period_kind", "period_start", "period_end", "scope", "scope_value",
                  "measure", "amount", "currency")
TARGET_SAMPLES = {
    "target_set": TARGET,
    "target_removed": {"id": "t-1", "removed_by": "u-admin", "removed_at": WHEN},
    "target_at_risk": {**{name: TARGET[name] for name in AT_RISK_FIELDS},
                       "attained": Decimal("10.00"), "expected_by_now": Decimal("50000.00"),
                       "pace_percent": 0, "detected_at": WHEN},
}
