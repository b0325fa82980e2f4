"""procurement: suppliers and their evaluation (per period or per order), purchase requests
with their approval chain, supplier selection (quotations), purchase contracts and orders, goods
receipts — issue 14; its spend reports are reporting's `procurement` domain, reconciled against
the reconcile_*_kpis pages here (kpis/). See service.py for its areas and
docs/contracts.md#procurement."""
