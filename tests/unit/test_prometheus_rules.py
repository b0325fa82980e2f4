"""deploy/prometheus: the config and its rules load (promtool check config), every alert and
recording rule behaves as its unit test says (promtool test rules), every alert has such a test,
and the rules read only metrics the services export. A second or two."""
import yaml

from services import registry
from tests.prometheus_tools import PROMETHEUS_DIR, ROOT, RULE_FILES, promtool, unknown_crm_metrics

RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))


def rules():
    return [rule for path in RULE_FILES for group in yaml.safe_load(path.read_text())["groups"]
            for rule in group["rules"]]


def test_the_config_and_its_rule_files_load():
    output = promtool("check", "config", ROOT / "deploy" / "prometheus.yml")
    for path in RULE_FILES:
        assert path.name in output, f"deploy/prometheus.yml does not load {path.name}:\n{output}"


def test_the_rules_unit_tests_pass():
    assert RULE_TESTS
    promtool("test", "rules", *[path.name for path in RULE_TESTS], cwd=PROMETHEUS_DIR / "tests")


def test_every_alert_and_recording_rule_is_unit_tested():
    tested, evaluated = set(), ""
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            tested |= {check["alertname"] for check in case.get("alert_rule_test", [])}
            evaluated += " ".join(check["expr"] for check in case.get("promql_expr_test", []))
    alerts = {rule["alert"] for rule in rules() if "alert" in rule}
    assert alerts - tested == set(), "alerts without a unit test"
    untested = {rule["record"] for rule in rules() if "record" in rule and rule["record"] not in evaluated
                and not any(rule["record"] in other.get("expr", "") for other in rules())}
    assert untested == set(), "recording rules neither tested nor used by a tested rule"


def test_the_rules_read_only_metrics_the_services_export():
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    assert unknown_crm_metrics([rule["expr"] for rule in rules()], recorded) == []


def test_the_readmes_local_config_loads_the_rules(capsys, tmp_path):
    from services import registry_files

    assert registry_files.main(["prometheus"]) == 0
    config = tmp_path / "prometheus.yml"
    config.write_text(capsys.readouterr().out)
    output = promtool("check", "config", config)
    assert all(path.name in output for path in RULE_FILES), output


def test_a_missing_target_alerts_for_every_service_of_the_registry():
    absent = next(rule["expr"] for rule in rules() if rule.get("alert") == "CrmServiceAbsent")
    assert [s.name for s in registry.SERVICES if f'absent(up{{job="{s.name}"}})' not in absent] == []
