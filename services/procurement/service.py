"""procurement: suppliers, their evaluation, purchase requests and their approval, purchase
orders and goods receipts (issue 14).
ProcurementService is composed of one mixin per business area, each in its own package:

- suppliers/   the supplier book: company details, contacts, categories supplied, payment
               terms, status active / on_hold / blocked with its reason (suppliers/statuses.py),
               documents' metadata, history; duplicates refused like customers' (409 unless
               forced, then kept as possible_duplicate_of)
- evaluation/  configurable criteria with weights and a flag threshold; a supplier scored per
               evaluation period or per received / closed order (on-time delivery from that
               period's or order's receipts), its weighted score and history; under the
               threshold it is flagged (supplier_flagged) and may be put on hold
- requests/    purchase requests (lines with exact estimates in one currency, needed-by
               dates, a justification) and their approval chain by amount (requests/policy.py),
               decided step by step by the right people (requests/handlers/approval.py)
- sourcing/    supplier selection: quotations asked of several active suppliers for an
               approved request, their offers recorded (every line priced once, the request's
               currency), compared side by side, one chosen with its reason (sourcing/statuses.py)
- orders/      purchase contracts from the chosen offer (orders/contracts.py: numbered
               PC-<year>-NNNNN, cancelled while no order is under them); purchase orders
               placed under active contracts (PO-<year>-NNNNN), sent / cancelled / closed
               (orders/statuses.py), and goods receipts (GR-<year>-NNNNN) that move them to
               partially received / received, complete the contract, and are what on-time
               delivery is computed from (evaluation/on_time.py)
- kpis/        answers reporting's reconcile of the procurement reports (admin / system only;
               the reports are reporting's `procurement` domain)

Shared: roles.py (who may do what), metrics.py, and the registries models.py, events.py,
schemas.py. It consumes no other service's events: who a caller is (role, team) travels with
each call (services/chassis/auth.py).
"""
from services.chassis.db import Database
from services.chassis.service import ChassisService
from services.procurement.evaluation.entrypoints import EvaluationEntrypoints
from services.procurement.events import EVENT_SCHEMAS
from services.procurement.kpis.entrypoints import KpiEntrypoints
from services.procurement.models import Base
from services.procurement.orders.contract_entrypoints import ContractEntrypoints
from services.procurement.orders.entrypoints import OrderEntrypoints
from services.procurement.requests.entrypoints import RequestEntrypoints
from services.procurement.sourcing.entrypoints import SourcingEntrypoints
from services.procurement.suppliers.entrypoints import SupplierEntrypoints


class ProcurementService(SupplierEntrypoints, EvaluationEntrypoints, RequestEntrypoints,
                         SourcingEntrypoints, ContractEntrypoints, OrderEntrypoints,
                         KpiEntrypoints, ChassisService):
    name = "procurement"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, packed_events=EVENT_SCHEMAS)
