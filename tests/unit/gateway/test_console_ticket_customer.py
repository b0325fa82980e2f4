"""The console's ticket queue and ticket page name a ticket's customer; a ticket without one
(an unknown sender's mail, `unmatched_sender`) says it is unmatched and whom it came from
instead of an empty cell. Run by node on the module itself (skipped where node is absent)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
JS = ROOT / "gateway" / "console" / "static" / "js"
SCRIPT = """
const m = await import(%s);
console.log(JSON.stringify([
  m.customerLabel({customer_id: null, customer_name: null, sender_email: "stan@x.example"}),
  m.customerLabel({customer_id: null, customer_name: null, sender_email: null}),
  m.customerLabel({customer_id: "c-1", customer_name: "Acme"}),
  m.customerLabel({customer_id: "c-1", customer_name: null})]));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_ticket_without_a_customer_says_it_is_unmatched():
    module = json.dumps((JS / "tickets.js").as_uri())
    done = subprocess.run(["node", "--input-type=module", "-e", SCRIPT % module],
                          capture_output=True, text=True, timeout=60, check=True)
    # the catalogue is not loaded here: t() answers the key itself
    assert json.loads(done.stdout) == ["tickets.unmatched_sender (stan@x.example)",
                                       "tickets.unmatched_sender", "Acme", "c-1"]
    assert "customerLabel(ticket)" in (JS / "ticket.js").read_text(encoding="utf-8")
    catalogues = [json.loads(path.read_text(encoding="utf-8")) for path in
                  (ROOT / "gateway" / "console" / "static" / "i18n").glob("*/desk.json")]
    assert catalogues and all("tickets.unmatched_sender" in c for c in catalogues)
