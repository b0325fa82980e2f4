"""The schemas of procurement's RPC inputs and outputs, by name: the gateway's routes and
OpenAPI document resolve "procurement:Supplier", ... here (gateway/routing.py). Their names
are unique across the services (the document has one namespace of components)."""
from services.procurement.suppliers.schemas import (  # noqa: F401
    CreateOptions, Document, DocumentCreate, PageQuery, Supplier, SupplierChange, SupplierContact,
    SupplierCreate, SupplierQuery, SupplierStatusChange, SupplierUpdate)
from services.procurement.evaluation.schemas import (Criteria, CriteriaSet,  # noqa: F401
                                                     Evaluation, EvaluationCreate,
                                                     SupplierOnTimeDelivery)
from services.procurement.requests.schemas import (  # noqa: F401
    ApprovalDecision, ApprovalPolicies, ApprovalPolicySet, PurchaseRequest, RequestCreate,
    RequestQuery, RequestUpdate)
from services.procurement.sourcing.schemas import (  # noqa: F401
    OfferRecord, Quotation, QuotationChoice, QuotationComparison, QuotationsRequest,
    QuotationWithdrawal)
from services.procurement.orders.contract_schemas import (  # noqa: F401
    PurchaseContract, PurchaseContractCreate, PurchaseContractQuery)
from services.procurement.orders.schemas import (  # noqa: F401
    GoodsReceipt, GoodsReceiptCreate, GoodsReceiptQuery, PurchaseOrder, PurchaseOrderCreate,
    PurchaseOrderQuery, PurchaseOrderStatusChange)
