"""Procurement's database metadata: every area's tables on one Base (the migrations' env.py
and ProcurementService's Database read `Base.metadata`)."""
from services.procurement.base import Base  # noqa: F401
from services.procurement.suppliers.models import (Supplier, SupplierChange,  # noqa: F401
                                                   SupplierContact, SupplierDocument)
from services.procurement.evaluation.models import EvaluationConfig, SupplierEvaluation  # noqa: F401
from services.procurement.requests.models import (ApprovalPolicy, PurchaseRequest,  # noqa: F401
                                                  PurchaseRequestLine, PurchaseRequestStep)
from services.procurement.sourcing.models import Quotation, QuotationLine  # noqa: F401
from services.procurement.orders.models import (DocumentCounter, GoodsReceipt,  # noqa: F401
                                                GoodsReceiptLine, PurchaseContract,
                                                PurchaseContractLine, PurchaseOrder,
                                                PurchaseOrderLine)
