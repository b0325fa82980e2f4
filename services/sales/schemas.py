"""The schemas of sales' RPC inputs and outputs, by name: the gateway's OpenAPI document and
routes resolve "sales:Deal", "sales:Invoice", ... here (gateway/routing.py), so every name a
route uses is imported from its area below. Handlers use their own area's schemas module.
"""
from services.sales.cash.schemas import (Invoice, InvoiceCancel, InvoiceCreate,  # noqa: F401
                                         InvoiceDetail, InvoiceQuery, OverdueInvoiceQuery,
                                         Payment, PaymentCreate, PaymentResult)
from services.sales.deals.schemas import (Board, BoardQuery, Deal, DealCreate,  # noqa: F401
                                          DealQuery, DealUpdate, LineInput, Stage, StageChange,
                                          StageMove, StageUpdate)
from services.sales.documents.schemas import (Contract, ContractCreate,  # noqa: F401
                                              DocumentQuery, Order, OrderCreate, Quote,
                                              QuoteCreate, QuoteQuery, QuoteUpdate)
from services.sales.imports.schemas import DealImport, DealImportResult, DealImportRow  # noqa: F401
from services.sales.leads.schemas import (Conversion, ConversionResult, Lead,  # noqa: F401
                                          LeadCreate, LeadQuery, LeadStatus, LeadUpdate)
from services.sales.products.schemas import (Product, ProductCreate,  # noqa: F401
                                             ProductQuery, ProductUpdate)
from services.sales.targets.schemas import Target, TargetQuery, TargetSet  # noqa: F401
from services.sales.tasks.schemas import (MyTasksQuery, Task, TaskCreate, TaskQuery,  # noqa: F401
                                          TaskRules, TaskRulesUpdate, TaskUpdate)
