"""scripts/demo_deals.py: how each kind of sales_pipeline.csv row becomes an import row, and
the mess it reports (no API: the mapping only)."""
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import demo_deals  # noqa: E402

PRODUCTS = {"GTX Pro": {"id": "p-pro", "list_price": "4821.00"},
            "GTX Basic": {"id": "p-basic", "list_price": "550.00"}}
CUSTOMERS = {"Isdom": "c-isdom"}
OWNERS = {"Darcel Schlecht": "u-darcel"}


def csv_row(**changes):
    row = {"opportunity_id": "Z063OYW0", "sales_agent": "Darcel Schlecht", "product": "GTXPro",
           "account": "Isdom", "deal_stage": "Won", "engage_date": "2016-10-25",
           "close_date": "2017-03-11", "close_value": "4514"}
    row.update(changes)
    return row


def mapped(**changes):
    return demo_deals.deal_row(csv_row(**changes), PRODUCTS, CUSTOMERS, OWNERS)


def test_a_won_gtxpro_deal_is_gtx_pro_at_its_close_value_with_its_dates_at_noon():
    payload, notes, problems = mapped()
    assert problems == []
    assert notes == ["product: 'GTXPro' mapped to 'GTX Pro' (spelled so in products.csv)"]
    assert payload == {
        "external_ref": "Z063OYW0", "name": "Isdom – GTX Pro (Z063OYW0)", "customer_id": "c-isdom",
        "owner_id": "u-darcel", "currency": "USD",
        "lines": [{"product_id": "p-pro", "quantity": 1, "unit_price": "4514.00"}],
        "history": [{"stage": "initial_contact", "at": "2016-10-25T12:00:00Z"},
                    {"stage": "needs_analysis", "at": "2016-10-25T12:00:00Z"},
                    {"stage": "won", "at": "2017-03-11T12:00:00Z"}]}


def test_a_lost_deal_carries_the_list_price_and_a_stated_reason():
    payload, notes, _ = mapped(product="GTX Basic", deal_stage="Lost", close_value="0")
    assert payload["lines"][0]["unit_price"] == "550.00"
    assert payload["lost_reason"] == demo_deals.LOST_REASON
    assert payload["history"][-1] == {"stage": "lost", "at": "2017-03-11T12:00:00Z"}
    assert notes == ["amount: the list price 550.00 (close_value is 0 for a lost deal)"]


def test_an_open_deal_without_an_account_is_kept_without_a_customer_and_said_so():
    payload, notes, problems = mapped(product="GTX Basic", account="", deal_stage="Engaging",
                                      close_date="", close_value="")
    assert problems == [] and payload["customer_id"] is None
    assert [h["stage"] for h in payload["history"]] == ["initial_contact", "needs_analysis"]
    assert "no account: imported as an open deal without a customer" in notes


def test_a_prospecting_deal_has_no_date_and_is_created_at_import_time():
    payload, notes, _ = mapped(product="GTX Basic", deal_stage="Prospecting", engage_date="",
                               close_date="", close_value="")
    assert payload["history"] == [{"stage": "initial_contact"}]
    assert "Prospecting has no date: created at the import time" in notes


@pytest.mark.parametrize("changes, problem", [
    ({"product": "GTX Ultra"}, "product 'GTX Ultra' is not in products.csv"),
    ({"deal_stage": "Negotiating"}, "deal_stage 'Negotiating' is not one of"),
    ({"sales_agent": "Nobody"}, "sales_agent 'Nobody' is not a loaded user"),
    ({"account": "Elsewhere"}, "account 'Elsewhere' is not a loaded customer"),
    ({"account": ""}, "a won deal without an account"),
    ({"engage_date": ""}, "Won without engage_date"),
    ({"close_date": ""}, "Won without close_date"),
])
def test_a_row_that_cannot_be_mapped_is_skipped_with_its_reason(changes, problem):
    payload, _, problems = mapped(**changes)
    assert payload is None and any(p.startswith(problem) for p in problems), problems


def test_the_printed_report_names_every_failed_row_and_counts_the_mess():
    report = {"products": [], "deals": [
        {"row": 2, "opportunity_id": "A", "status": "created", "problems": [],
         "notes": ["product: 'GTXPro' mapped to 'GTX Pro' (spelled so in products.csv)"]},
        {"row": 3, "opportunity_id": "B", "status": "rejected", "problems": [], "notes": [],
         "errors": {"owner_id": ["Not an active sales rep, manager or admin."]}},
        {"row": 4, "opportunity_id": "C", "status": "skipped", "notes": [],
         "problems": ["product 'X' is not in products.csv"]}]}
    out = io.StringIO()
    demo_deals.print_deal_report(report, out)
    text = out.getvalue()
    assert "row 3 B: rejected" in text and "owner_id" in text
    assert "row 4 C: skipped; product 'X' is not in products.csv" in text
    assert "1 deals — product: 'GTXPro' mapped to 'GTX Pro'" in text and "row 2 A" in text


class FakeApi:
    """POST /deals/import answering from a script: an ApiError status, or a list of results."""

    def __init__(self, *answers):
        self.answers, self.calls = list(answers), 0

    def call(self, method, path, json):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, int):
            raise FakeError(answer)
        return {"results": answer}


class FakeError(Exception):
    def __init__(self, status):
        super().__init__(f"HTTP {status}")
        self.status = status


def send(api, *results_at):
    loader = demo_deals.DealsLoader(api, {}, FakeError, log=lambda *_: None)
    entries = [{"row": n, "opportunity_id": f"O{n}", "notes": []} for n in range(len(results_at))]
    loader._send([(entry, {}) for entry in entries])
    return loader, entries


def test_rows_a_timed_out_first_attempt_committed_count_as_created_by_this_run(monkeypatch):
    monkeypatch.setattr(demo_deals.time, "sleep", lambda seconds: None)
    earlier, later = "2020-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00"
    api = FakeApi(409, [{"status": "already_imported", "deal_id": "d1", "imported_at": later},
                        {"status": "already_imported", "deal_id": "d2", "imported_at": earlier},
                        {"status": "rejected", "errors": {"owner_id": ["x"]}}])
    _, entries = send(api, 3, 3, 3)
    assert api.calls == 2
    assert [e["status"] for e in entries] == ["created", "exists", "rejected"]
    assert "created by this run" in entries[0]["notes"][0] and entries[2]["errors"]


def test_a_batch_the_api_refuses_marks_every_row_failed():
    api = FakeApi(500)
    _, entries = send(api, 1, 1)
    assert api.calls == 1 and {e["status"] for e in entries} == {"failed"}
