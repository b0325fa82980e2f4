"""procurement: suppliers and their evaluation, purchase requests with their approval chain —
issue 14 (quotations, orders, receipts and the spend reports come later). See service.py for
its areas and docs/contracts.md#procurement."""
