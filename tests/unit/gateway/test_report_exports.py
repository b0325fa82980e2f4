"""Reports as files (gateway/exports.py, gateway/charts.py, the report route): the rows
flattened the same way for every report, as CSV and XLSX that read back to the same values,
spreadsheet formulas defused; png / svg offered for the reports that have a chart
(test_report_charts.py draws them)."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gateway import charts, exports
from gateway.routes import reports
from services.reporting.domains import REPORTS

REPORT = {"group_by": ["owner_id"], "period": {"from": "2025-01-01"}, "rows": [
    {"period": "2025-01-01", "owner_id": "u-a", "owner_name": "=HYPERLINK(\"x\")",
     "currency": "EUR", "won": 2, "revenue": "150.50", "average_cycle_days": 3.5,
     "sla": {"met": 1, "breached": None}, "tags": ["a", "b"],
     "periods": [{"period": "2025-02-01", "won": "1.00"}, {"period": "2025-03-01", "won": "2.00"}]},
    {"period": "2025-02-01", "owner_id": "u-b", "owner_name": "Bea", "currency": "USD",
     "won": 1, "revenue": "-3.00", "extra": True}],
    "overdue_invoices": [{"id": "i-1", "balance": "10.00"}]}
COLUMNS = ["period", "owner_id", "owner_name", "currency", "won", "revenue",
           "average_cycle_days", "sla.met", "sla.breached", "tags", "periods.0.period",
           "periods.0.won", "periods.1.period", "periods.1.won", "extra"]


def test_rows_flatten_to_one_table_with_the_union_of_columns_in_first_seen_order():
    columns, rows = exports.table(REPORT["rows"])
    assert columns == COLUMNS
    assert rows[0] == ["2025-01-01", "u-a", '=HYPERLINK("x")', "EUR", 2, "150.50", 3.5, 1, None,
                       "a; b", "2025-02-01", "1.00", "2025-03-01", "2.00", None]
    assert rows[1][columns.index("extra")] is True and rows[1][columns.index("sla.met")] is None
    assert list(exports.tables(REPORT)) == ["rows", "overdue_invoices"]
    assert exports.tables({"rows": []})["rows"] == ([], [])


def test_csv_reads_back_to_the_flattened_rows_with_formulas_defused():
    parsed = list(csv.reader(io.StringIO(exports.to_csv(REPORT))))
    assert parsed[0] == COLUMNS
    columns, rows = exports.table(REPORT["rows"])
    expected = [["" if value is None else str(value) for value in row] for row in rows]
    expected[0][2] = "'" + expected[0][2]             # a formula is text, not evaluated
    assert parsed[1:] == expected
    assert parsed[2][COLUMNS.index("revenue")] == "-3.00"      # a negative amount stays


def test_xlsx_reads_back_with_numbers_for_decimals_and_a_sheet_per_list():
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(REPORT)))
    assert workbook.sheetnames == ["rows", "overdue_invoices"]
    cells = [list(row) for row in workbook["rows"].iter_rows(values_only=True)]
    assert cells[0] == COLUMNS
    assert Decimal(str(cells[1][COLUMNS.index("revenue")])) == Decimal("150.50")
    assert cells[1][COLUMNS.index("owner_name")].startswith("'=")
    assert cells[1][COLUMNS.index("tags")] == "a; b" and cells[1][0] == "2025-01-01"
    assert [list(row) for row in workbook["overdue_invoices"].iter_rows(values_only=True)] == [
        ["id", "balance"], ["i-1", 10]]


@pytest.mark.parametrize("rpc", sorted(REPORTS))
def test_every_report_route_offers_the_tables_and_charts_only_where_declared(rpc):
    query = reports._query_with_format(REPORTS[rpc])
    allowed = set(query._declared_fields["format"].validate.choices)
    assert allowed == {"json", "csv", "xlsx"} | ({"png", "svg"} if rpc in charts.CHARTS else set())
    assert "format" in query().validate({"format": "pdf"})
