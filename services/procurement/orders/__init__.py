"""Purchase contracts (from the chosen offer), purchase orders placed under them, and the goods
receipts that drive an order's status and the supplier's on-time delivery (issue 14)."""
