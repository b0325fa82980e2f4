"""The weekly digest from the real reporting service to a real SMTP server: the manager gets
one mail with their team's won revenue of the week as the revenue report shows it to them;
another round sends nothing more."""
from datetime import datetime, time, timedelta, timezone

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from services.sales.deals.models import Deal

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
    # The week of the wins as sales recorded them (UTC, the digest's default zone), not of the
    # wall clock: a run across Sunday midnight won its deals in the week before "today's".
    with databases["sales"].connect() as connection:
        won_at = connection.scalar(select(func.max(Deal.closed_at)).where(Deal.stage == "won"))
    won_on = (won_at if won_at.tzinfo else won_at.replace(tzinfo=timezone.utc)).astimezone(
        timezone.utc).date()
    week = won_on - timedelta(days=won_on.weekday())
    next_week = datetime.combine(week + timedelta(days=7), time(9), timezone.utc)
    with entrypoint_hook(reporting, "send_weekly_digests") as send:
        assert MANAGER.user_id in send(now=next_week)
    [message] = mailbox.messages_to(f"{MANAGER.user_id}@example.com")
    text = message.get_content()
    assert f"week {week.isoformat()} to " in text
    revenue = rpc(reporting, "sales_revenue", MANAGER, {
        "from": week.isoformat(), "to": (week + timedelta(days=6)).isoformat(),
        "granularity": "total", "group_by": ["owner_id"]})
    assert revenue["rows"]
    for row in revenue["rows"]:
        assert f"{row['revenue']} {row['currency']} ({row['won']} won)" in text
    with entrypoint_hook(reporting, "send_weekly_digests") as send:
        assert send(now=next_week) == []
    assert len(mailbox.messages_to(f"{MANAGER.user_id}@example.com")) == 1
