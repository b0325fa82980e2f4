"""The analytics libraries are imported on a report's first use or by the start-time preload
(services/reporting/preload.py), never with the service's modules: with
REPORTING_PRELOAD_ANALYTICS=false a reporting replica that has served no analytics idles at the
others' ~85 MB instead of ~235 MB (bench/FINDINGS.md, 2026-12-05). A module-level
`import pandas` anywhere under services/reporting fails this test."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("numpy", "pandas", "scipy", "sklearn", "statsmodels")
PROBE = f"""
import json, sys
import services.reporting.service
import services.reporting.domains
print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def loaded_after(code, **env):
    """The heavy modules in sys.modules after `code` ran in a fresh interpreter."""
    answer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={"PYTHONPATH": str(ROOT),
                                                         "PYTHONWARNINGS": "ignore", **env})
    assert answer.returncode == 0, answer.stderr[-3000:]
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_importing_the_reporting_service_loads_no_analytics_library():
    assert loaded_after(PROBE) == []


def test_the_probe_sees_a_heavy_import():          # the check above can fail
    assert loaded_after(PROBE.replace("import services.reporting.domains\n",
                                      "import services.reporting.domains\nimport numpy\n")) \
        == ["numpy"]


def test_the_preload_can_be_switched_off():
    start = PROBE.replace("import services.reporting.domains\n", "import services.reporting.domains\n"
                          "from services.reporting.preload import AnalyticsLibraries\n"
                          "AnalyticsLibraries().start()\n")
    assert loaded_after(start, REPORTING_PRELOAD_ANALYTICS="false") == []
    assert set(loaded_after(start)) >= {"numpy", "scipy", "sklearn", "statsmodels"}
