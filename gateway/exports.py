"""Every report as a table, one way for all of them (issue 17 §9): its `rows` flattened — a
nested object's members become `parent.member` columns, a list of records `parent.0.member`,
a list of plain values one cell joined by "; " — as CSV, or as an XLSX workbook with the rows on
the first sheet and each other list of records in the report (receivables' overdue invoices,
the forecast's probabilities) on a sheet of its own. Cells a spreadsheet would evaluate are
defused (services/chassis/spreadsheet.py); decimal strings are numbers in XLSX (exact: written
from their text), text in CSV.
"""
import csv
import io
import re
from decimal import Decimal

from openpyxl import Workbook

from services.chassis.spreadsheet import spreadsheet_safe

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = "rows"
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_SHEET_TITLE = 31                       # Excel's limit


def flatten_record(record, prefix=""):
    """{column: plain value} of one record, columns in the record's order."""
    flat = {}
    for name, value in record.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten_record(value, f"{column}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    flat.update(flatten_record(item, f"{column}.{index}."))
                else:
                    flat[f"{column}.{index}"] = item
        elif isinstance(value, list):
            flat[column] = "; ".join("" if item is None else str(item) for item in value)
        else:
            flat[column] = value
    return flat


def table(records):
    """(columns, rows of values): the union of the records' columns in first-seen order; a
    record without a column has an empty cell there."""
    flat = [flatten_record(record) for record in records]
    columns = list(dict.fromkeys(column for record in flat for column in record))
    return columns, [[record.get(column) for column in columns] for record in flat]


def tables(report):
    """{sheet name: (columns, rows)}: the report's rows first, then its other lists of records."""
    found = {ROWS: table(report.get(ROWS) or [])}
    for name, value in report.items():
        if name != ROWS and isinstance(value, list) and value and all(
                isinstance(item, dict) for item in value):
            found[name] = table(value)
    return found


def to_csv(report):
    columns, rows = tables(report)[ROWS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return out.getvalue()


def xlsx_cell(value):
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return spreadsheet_safe(value)


def to_xlsx(report):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (columns, rows) in tables(report).items():
        sheet = workbook.create_sheet(name[:_SHEET_TITLE])
        sheet.append(columns)
        for row in rows:
            sheet.append([xlsx_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
