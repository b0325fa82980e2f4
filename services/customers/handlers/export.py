"""CSV export of exactly what the caller may list (same scoped query, same filters), capped."""
import csv
import io

from services.chassis.spreadsheet import spreadsheet_safe
from services.chassis.validation import load
from services.customers import schemas, settings
from services.customers.handlers import search
from services.customers.queries.views import dump_many

COLUMNS = ("id", "kind", "name", "industry", "size", "annual_revenue", "currency", "region",
           "address", "phone", "email", "website", "source", "lifecycle_stage", "value_class",
           "owner_id", "tags", "created_at", "updated_at")
CHUNK = 1000


def export_customers(session, principal, query):
    """{"csv", "rows", "truncated", "max_rows"}: walks the list query in keyset chunks."""
    filters = load(schemas.ExportQuery, query or {})
    cap = settings.export_max_rows()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    written, position, truncated = 0, None, False
    while True:
        want = min(CHUNK, cap - written)
        rows = search.page(session, principal, filters, filters["sort"], position, want + 1)
        more, rows = len(rows) > want, rows[:want]
        for item in dump_many(session, rows):
            item["tags"] = ";".join(item["tags"])
            writer.writerow([spreadsheet_safe(item.get(column)) for column in COLUMNS])
        written += len(rows)
        if not more:
            break
        if written >= cap:
            truncated = True
            break
        position = search.position_of(rows[-1], filters["sort"])
    return {"csv": out.getvalue(), "rows": written, "truncated": truncated, "max_rows": cap}
