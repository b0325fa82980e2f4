"""The weekly digest from the real reporting service to a real SMTP server: the manager gets
one mail with their team's won revenue of the week as the revenue report shows it to them;
another round sends nothing more."""
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import entrypoint_hook

from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import deal_workload, sales_kpis_match
from tests.integration.reporting.support import MANAGER
from tests.smtp_server import SmtpServer


@pytest.fixture
def mailbox(tmp_path, monkeypatch):
    server = SmtpServer(tmp_path / "smtp").start()
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def test_the_manager_gets_the_teams_week_once(producers, databases, reporting, mailbox):
    deal_workload(producers)
    wait_until(lambda: sales_kpis_match(reporting, databases), message="sales KPIs caught up")
    next_week = datetime.now(timezone.utc) + timedelta(days=7)
    with entrypoint_hook(reporting, "send_weekly_digests") as send:
        assert MANAGER.user_id in send(now=next_week)
    [message] = mailbox.messages_to(f"{MANAGER.user_id}@example.com")
    text = message.get_content()
    today = datetime.now(timezone.utc).date()
    week = today - timedelta(days=today.weekday())
    revenue = rpc(reporting, "sales_revenue", MANAGER, {
        "from": week.isoformat(), "to": (week + timedelta(days=6)).isoformat(),
        "granularity": "total", "group_by": ["owner_id"]})
    assert revenue["rows"]
    for row in revenue["rows"]:
        assert f"{row['revenue']} {row['currency']} ({row['won']} won)" in text
    with entrypoint_hook(reporting, "send_weekly_digests") as send:
        assert send(now=next_week) == []
    assert len(mailbox.messages_to(f"{MANAGER.user_id}@example.com")) == 1
