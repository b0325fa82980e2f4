"""The Maven dataset's products and 8,800 opportunities, through the public API (called by
scripts/load_demo.py once users and customers exist).

- products.csv → POST /products (list price in USD); an existing name is left as it is.
- sales_pipeline.csv → POST /deals/import in batches: one deal per opportunity (external_ref =
  opportunity_id, so a re-run reports "already imported"), owned by its agent, for its account's
  customer, with one line (the product, quantity 1) and its stage history.

The mapping, decided here and reported per row:
- product `GTXPro` (pipeline) is `GTX Pro` (products.csv): mapped explicitly, noted per row;
- stages: Prospecting → initial_contact; Engaging → initial_contact then needs_analysis;
  Won / Lost → the same, then won / lost. Business dates are at 12:00 UTC (the same calendar
  day in every time zone from UTC−12 to UTC+11);
- created (first stage) at engage_date; engaged deals enter needs_analysis that same day (the
  dataset has no earlier prospecting date); won / lost at close_date. A Prospecting deal has
  no date at all: it is created at the import time (noted);
- amount: a won deal's unit price is its close_value (amount = close_value exactly); an open or
  lost deal carries the product's list price (the value at stake: the dataset's close_value is
  empty for open and 0 for lost deals, which would say the deal was worth nothing) — noted;
- lost deals get the reason "Lost (the dataset gives no reason)";
- open deals without an account are imported without a customer (the API allows that for
  open deals only) — noted per row, nothing dropped.
"""
import time
from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

PRODUCT_ALIASES = {"GTXPro": "GTX Pro"}
STAGES = {"Prospecting": ["initial_contact"],
          "Engaging": ["initial_contact", "needs_analysis"],
          "Won": ["initial_contact", "needs_analysis", "won"],
          "Lost": ["initial_contact", "needs_analysis", "lost"]}
LOST_REASON = "Lost (the dataset gives no reason)"
BATCH = 50          # rows per request: well inside the gateway RPC deadline, even on a busy machine
CURRENCY = "USD"


def at_noon(day):
    return f"{day}T12:00:00Z"


def money(text):
    return str(Decimal(text).quantize(Decimal("0.01")))


def product_payload(row):
    """(payload, problems) for one products.csv row."""
    name = row["product"].strip()
    try:
        price = money(row["sales_price"])
    except (InvalidOperation, ValueError):
        return None, [f"sales_price {row['sales_price']!r} is not a number"]
    return {"name": name, "series": row["series"].strip() or None, "list_price": price,
            "currency": CURRENCY}, []


def deal_row(row, products, customers, owners):
    """(import row or None, notes, problems) for one sales_pipeline.csv row. `products`: name →
    {id, list_price}; `customers`: account → customer id; `owners`: agent → user id."""
    notes, problems = [], []
    ref, stage = row["opportunity_id"].strip(), row["deal_stage"].strip()
    product_name = row["product"].strip()
    if product_name in PRODUCT_ALIASES:
        notes.append(f"product: '{product_name}' mapped to '{PRODUCT_ALIASES[product_name]}' "
                     "(spelled so in products.csv)")
        product_name = PRODUCT_ALIASES[product_name]
    product = products.get(product_name)
    if product is None:
        problems.append(f"product {product_name!r} is not in products.csv")
    if stage not in STAGES:
        problems.append(f"deal_stage {stage!r} is not one of {', '.join(STAGES)}")
    agent = row["sales_agent"].strip()
    if agent not in owners:
        problems.append(f"sales_agent {agent!r} is not a loaded user")
    account = row["account"].strip()
    customer_id = customers.get(account) if account else None
    if account and customer_id is None:
        problems.append(f"account {account!r} is not a loaded customer")
    elif not account:
        if stage in ("Won", "Lost"):
            problems.append(f"a {stage.lower()} deal without an account")
        else:
            notes.append("no account: imported as an open deal without a customer")
    engaged, closed = row["engage_date"].strip(), row["close_date"].strip()
    if stage != "Prospecting" and not engaged:
        problems.append(f"{stage} without engage_date")
    if stage in ("Won", "Lost") and not closed:
        problems.append(f"{stage} without close_date")
    if problems:
        return None, notes, problems

    keys = STAGES[stage]
    if stage == "Prospecting":
        history = [{"stage": keys[0]}]
        notes.append("Prospecting has no date: created at the import time")
    else:
        history = [{"stage": keys[0], "at": at_noon(engaged)}, {"stage": keys[1], "at": at_noon(engaged)}]
        if stage in ("Won", "Lost"):
            history.append({"stage": keys[2], "at": at_noon(closed)})
    if stage == "Won":
        unit_price = money(row["close_value"])
    else:
        unit_price = product["list_price"]
        shown = row["close_value"].strip() or "empty"
        notes.append(f"amount: the list price {unit_price} (close_value is {shown} for a "
                     f"{stage.lower()} deal)")
    payload = {"external_ref": ref, "name": f"{account or 'No account'} – {product_name} ({ref})",
               "customer_id": customer_id, "owner_id": owners[agent], "currency": CURRENCY,
               "lines": [{"product_id": product["id"], "quantity": 1, "unit_price": unit_price}],
               "history": history}
    if stage == "Lost":
        payload["lost_reason"] = LOST_REASON
    return payload, notes, problems


class DealsLoader:
    """Products, then deals in batches; fills report["products"] and report["deals"]."""

    def __init__(self, api, report, error_type, log=print):
        self.api, self.report, self.ApiError, self.log = api, report, error_type, log
        # Rows imported since this moment were imported by this run: a batch retried after a
        # timeout (503) answers already_imported for what its first attempt committed.
        self.started = datetime.now(timezone.utc)

    def load_products(self, rows):
        existing = {p["name"]: p for p in self.api.call("GET", "/products")}
        entries = self.report.setdefault("products", [])
        for number, row in enumerate(rows, start=2):
            payload, problems = product_payload(row)
            entry = {"row": number, "product": row["product"], "problems": problems}
            entries.append(entry)
            if payload is None:
                entry["status"] = "skipped"
            elif payload["name"] in existing:
                entry.update(status="exists", id=existing[payload["name"]]["id"])
            else:
                try:
                    created = self.api.call("POST", "/products", json=payload)
                    existing[created["name"]] = created
                    entry.update(status="created", id=created["id"])
                except self.ApiError as error:
                    entry.update(status="failed", error=str(error))
        self.log(summary("products", entries))
        return {name: {"id": p["id"], "list_price": p["list_price"]} for name, p in existing.items()}

    def load_deals(self, rows, products, customers, owners):
        entries = self.report.setdefault("deals", [])
        pending = []
        for number, row in enumerate(rows, start=2):
            payload, notes, problems = deal_row(row, products, customers, owners)
            entry = {"row": number, "opportunity_id": row["opportunity_id"], "notes": notes,
                     "problems": problems}
            entries.append(entry)
            if payload is None:
                entry["status"] = "skipped"
            else:
                pending.append((entry, payload))
        for start in range(0, len(pending), BATCH):
            self._send(pending[start:start + BATCH])
        self.log(summary("deals", entries))

    def _send(self, batch, attempts=3):
        for attempt in range(attempts):
            try:
                answer = self.api.call("POST", "/deals/import", json={"rows": [p for _, p in batch]})
                break
            except self.ApiError as error:
                # 409: a retried batch met its own first attempt still running; send it again.
                if error.status != 409 or attempt == attempts - 1:
                    for entry, _ in batch:
                        entry.update(status="failed", error=str(error))
                    return
                time.sleep(1)
        for (entry, _), result in zip(batch, answer["results"]):
            entry["status"] = {"already_imported": "exists"}.get(result["status"], result["status"])
            if entry["status"] == "exists" and self._this_run(result.get("imported_at")):
                entry["status"] = "created"
                entry["notes"].append("created by this run (its first request timed out; the retry "
                                      "found it imported)")
            if result.get("deal_id"):
                entry["id"] = result["deal_id"]
            if result.get("errors"):
                entry["errors"] = result["errors"]


    def _this_run(self, imported_at):
        return bool(imported_at) and datetime.fromisoformat(imported_at) >= self.started


def summary(kind, entries):
    counts = Counter(entry.get("status") for entry in entries)
    return f"{kind}: " + ", ".join(f"{counts[s]} {s}" for s in
                                   ("created", "exists", "skipped", "rejected", "failed") if counts[s])


def print_deal_report(report, out, sample=5):
    """Every problem row in full; the notes (the mess handled) counted by kind with examples —
    all of them are per row in the JSON report."""
    for entry in report.get("products", []):
        if entry["status"] in ("skipped", "failed"):
            print(f"  products.csv row {entry['row']} {entry['product']!r}: {entry['status']}; "
                  + "; ".join(entry["problems"] + ([entry["error"]] if "error" in entry else [])), file=out)
    kinds = {}
    for entry in report.get("deals", []):
        if entry["status"] in ("skipped", "rejected", "failed"):
            detail = entry["problems"] + ([entry["error"]] if "error" in entry else []) \
                + ([str(entry["errors"])] if "errors" in entry else [])
            print(f"  sales_pipeline.csv row {entry['row']} {entry['opportunity_id']}: "
                  f"{entry['status']}; " + "; ".join(detail), file=out)
        for note in entry["notes"]:
            kinds.setdefault(note.split(" (")[0] if note.startswith("amount") else note, []).append(entry)
    for note, entries in sorted(kinds.items()):
        examples = ", ".join(f"row {e['row']} {e['opportunity_id']}" for e in entries[:sample])
        print(f"  {len(entries)} deals — {note}: {examples}{', …' if len(entries) > sample else ''}",
              file=out)
