"""Supplier selection: quotations requested from several suppliers for an approved purchase
request, their offers recorded and compared, one chosen with the reason kept (issue 14)."""
