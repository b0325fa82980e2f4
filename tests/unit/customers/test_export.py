import csv
import io

from services.customers.handlers import export, tags
from tests.unit.customers.support import ADMIN, REP_A, REP_B, call, create


def rows(result):
    return list(csv.DictReader(io.StringIO(result["csv"])))


def test_export_is_scoped_filtered_and_readable(people):
    mine = create(people, REP_A, name="北京 & Co", region="EU", annual_revenue="10.50", currency="EUR")
    create(people, REP_A, name="Other region", region="US")
    create(people, REP_B, name="Not mine", region="EU")
    call(people, tags.tag_customers, REP_A, [mine["id"]], ["vip", "partner"])
    result = call(people, export.export_customers, REP_A, {"region": "EU"}, write=False)
    assert result["rows"] == 1 and result["truncated"] is False
    (row,) = rows(result)
    assert row["id"] == mine["id"] and row["name"] == "北京 & Co"
    assert row["annual_revenue"] == "10.50" and row["tags"] == "partner;vip"
    assert tuple(rows(result)[0]) == export.COLUMNS


def test_export_is_capped_and_says_so(people, monkeypatch):
    for index in range(5):
        create(people, ADMIN, name=f"C{index}")
    monkeypatch.setattr(export, "CHUNK", 2)               # walk several keyset chunks
    monkeypatch.setenv("EXPORT_MAX_ROWS", "3")
    capped = call(people, export.export_customers, ADMIN, {"sort": "name"}, write=False)
    assert capped["truncated"] is True and capped["rows"] == 3 and capped["max_rows"] == 3
    assert [row["name"] for row in rows(capped)] == ["C0", "C1", "C2"]
    monkeypatch.setenv("EXPORT_MAX_ROWS", "5")
    exact = call(people, export.export_customers, ADMIN, {"sort": "-name"}, write=False)
    assert exact["truncated"] is False and [r["name"] for r in rows(exact)] == [
        "C4", "C3", "C2", "C1", "C0"]


def test_cells_a_spreadsheet_would_execute_are_defused(people):
    create(people, ADMIN, name="=HYPERLINK(\"http://evil\")", phone="+49 30 1234567",
           industry="-2+3", source="@SUM(A1)")
    (row,) = rows(call(people, export.export_customers, ADMIN, {}, write=False))
    assert row["name"].startswith("'=") and row["source"].startswith("'@")
    assert row["phone"] == "+49 30 1234567" and row["industry"] == "-2+3"
