"""The rebuild and reconcile commands, run against the real producers over the broker. The
reporting service need not run: the commands work on its database directly."""
import json

import pytest

from services.reporting import rebuild, reconcile
from tests.integration.reporting.support import kpis_match, publish_people, workload


@pytest.mark.dialect_sensitive("rebuild (table locks, bulk deletes) and reconcile")
def test_commands_build_reports_from_zero_and_reconcile_them(
        producers, databases, start_reporting, rabbit_config, monkeypatch, capsys):
    monkeypatch.setenv("AMQP_URI", rabbit_config["AMQP_URI"])
    publish_people(producers, databases)
    workload(producers["customers"])

    assert rebuild.main(["all"]) == 0
    built = json.loads(capsys.readouterr().out)
    assert built["status"] == "done" and built["requested_by"] == "system"
    assert built["result"]["before"]["customers"] == 0
    assert built["result"]["after"]["customers"] == 6         # 7 created, 1 merged away

    assert reconcile.main([]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["result"]["ok"] and checked["result"]["stable"]

    reporting = start_reporting()                  # what the commands built is what it serves
    assert kpis_match(reporting, databases)


def test_an_unknown_projection_is_refused_before_anything_is_touched(databases, capsys):
    with pytest.raises(SystemExit) as refused:
        rebuild.main(["tickets"])
    assert refused.value.code == 2 and "tickets" in capsys.readouterr().err
