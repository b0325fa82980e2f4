"""The sales database's metadata: every area's tables, registered on one Base by importing each
area's models here (the migrations' env.py and SalesService's Database read `Base.metadata`).

Names the migrations use (`services.sales.models.Percent`) stay importable from here.
"""
from services.sales.base import Base, LineColumns, Percent  # noqa: F401
from services.sales.cash.models import Invoice, InvoiceLine, Payment  # noqa: F401
from services.sales.deals.models import Deal, DealLine, DealStageChange, PipelineStage  # noqa: F401
from services.sales.documents.models import (Contract, DocumentCounter, OrderLine,  # noqa: F401
                                             Quote, QuoteLine, SalesOrder)
from services.sales.imports.models import DealImportRef  # noqa: F401
from services.sales.leads.models import Lead, LeadConversion  # noqa: F401
from services.sales.products.models import Product  # noqa: F401
from services.sales.targets.models import SalesTarget  # noqa: F401
from services.sales.tasks.models import ContactBirthday, Task, TaskRule  # noqa: F401
from services.sales.users import AssignmentCursor, UserCopy  # noqa: F401
