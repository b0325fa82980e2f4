"""promtool and the prometheus server for the monitoring tests (Debian's `prometheus` package,
installed by scripts/ensure_prometheus.sh, which scripts/test.sh runs).

A missing binary fails the test with the command that installs it, never skips it: CI must not
pass with the rules, the dashboards' queries or the scrape left unchecked."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services import registry

ROOT = Path(__file__).resolve().parents[1]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
RULE_FILES = sorted(PROMETHEUS_DIR.glob("*.rules.yml"))
INSTALL = ("scripts/ensure_prometheus.sh (as root), or: "
           "sudo apt-get install -y --no-install-recommends prometheus")


def binary(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not installed; the monitoring tests need it: {INSTALL}",
                    pytrace=False)
    return path


def promtool(*args, stdin=None, cwd=ROOT, timeout=60):
    """Runs promtool; fails the test with its output unless it exits 0. Returns its stdout."""
    result = subprocess.run([binary("promtool"), *map(str, args)], input=stdin, cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (f"promtool {' '.join(map(str, args))} failed "
                                    f"({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def exported_metric_names():
    """Every sample name the services can export: their modules' metric families (imported the
    way `nameko run` would), with the suffixes prometheus_client gives each type."""
    import importlib

    from prometheus_client import REGISTRY

    for service in registry.SERVICES:
        importlib.import_module(service.target.split(":")[0])
    suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created"),
                "summary": ("_sum", "_count", "_created"), "gauge": ("",), "info": ("_info",)}
    names = set()
    for family in REGISTRY.collect():
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    return names


CRM_NAME = re.compile(r"(?<![:\w])crm_[a-z0-9_]+(?![:\w])")      # not inside a rule name


def unknown_crm_metrics(expressions, recorded=()):
    """The crm_* names the expressions read that no service exports (nor a rule records)."""
    known = exported_metric_names() | set(recorded)
    return sorted({name for expr in expressions for name in CRM_NAME.findall(expr)} - known)
