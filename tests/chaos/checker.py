"""After the faults: read everything back through the API and judge every write (Jepsen's way).

- lost: acknowledged (ok) but absent — or present under another id than the one answered;
- duplicated: one requested write present more than once;
- unexpected: present but never requested;
- failed but present: refused (definitely not applied) yet there;
- unknown outcomes: counted apart, as present once or absent (both are allowed).

The system is fresh (its own broker and database): everything it holds was written by the run,
so "never requested" needs no filter.
"""
from collections import Counter
from dataclasses import dataclass, field

from tests.chaos.workload import MOVES


@dataclass
class Verdict:
    lost: list = field(default_factory=list)
    duplicated: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    failed_present: list = field(default_factory=list)
    unknown_present: int = 0
    unknown_absent: int = 0
    present: dict = field(default_factory=dict)      # kind → records read back

    def problems(self):
        return {name: getattr(self, name) for name in ("lost", "duplicated", "unexpected",
                                                       "failed_present") if getattr(self, name)}


def read_back(admin):
    """Every record the run could have made, as (kind, marker, id) triples."""
    records = []
    customers = admin.list_all("customers")
    for customer in customers:
        records.append(("customer", _marker(customer["name"], "Customer "), customer["id"]))
        for contact in admin.ok("GET", f"customers/{customer['id']}/contacts"):
            records.append(("contact", _marker(contact["name"], "Contact "), contact["id"]))
        for item in admin.list_all(f"customers/{customer['id']}/interactions"):
            records.append(("interaction", _marker(item["summary"], "Call "), item["id"]))
    deals = admin.list_all("deals")
    for deal in deals:
        records.append(("deal", _marker(deal["name"], "Deal "), deal["id"]))
        for change in admin.ok("GET", f"deals/{deal['id']}/history"):
            if change["from_stage"] is None:        # the creation's own entry
                continue
            records.append(("move", f"{deal['id']}:{change['to_stage']}", deal["id"]))
    return records, customers, deals


def _marker(text, prefix):
    return text[len(prefix):] if text and text.startswith(prefix) else f"?{text}"


def judge(writes, records):
    verdict = Verdict()
    requested = {(write.kind, write.marker): write for write in writes}
    copies = Counter((kind, marker) for kind, marker, _id in records)
    ids = {}
    for kind, marker, record_id in records:
        ids.setdefault((kind, marker), set()).add(record_id)
    verdict.present = dict(Counter(kind for kind, _marker, _id in records))
    for (kind, marker), count in copies.items():
        if (kind, marker) not in requested:
            verdict.unexpected.append((kind, marker, count))
    for (kind, marker), write in requested.items():
        count = copies.get((kind, marker), 0)
        if count > 1:
            verdict.duplicated.append((kind, marker, count))
        if write.outcome == "ok":
            answered = _answered_id(write)
            if count == 0 or (answered and answered not in ids[kind, marker]):
                verdict.lost.append((kind, marker, answered))
        elif write.outcome == "failed":
            if count:
                verdict.failed_present.append((kind, marker, write.status))
        elif count:
            verdict.unknown_present += 1
        else:
            verdict.unknown_absent += 1
    return verdict


def _answered_id(write):
    if write.kind == "move":
        return write.parent           # a move's answer is its deal
    return (write.answer or {}).get("id")


def expected_stage_counts(deals):
    return Counter(deal["stage"] for deal in deals)


STAGES = ("initial_contact",) + MOVES + ("won", "lost")
