"""docker-compose.yml started for real: `make compose-check` (scripts/compose_check.sh) builds the
images from Debian's packages, starts the stack under podman with docker-compose and probes it
through its published ports (scripts/compose_probe.py). ~1.5 min with the images cached, ~2.5
min the first time on a 2-core machine (README, "Deployment"). Needs root (rootful podman): the
script installs podman, runc, debootstrap and docker-compose itself."""
import os
import subprocess

import pytest

from services import registry

pytestmark = pytest.mark.e2e
TIMEOUT = 1800          # a cold image build and a start under the full suite's load


def test_the_compose_stack_starts_and_serves_under_podman():
    if os.geteuid() != 0:
        pytest.fail("the compose check needs root (rootful podman): run `make compose-check` as root",
                    pytrace=False)
    run = subprocess.run(["scripts/compose_check.sh"], cwd=registry.ROOT, capture_output=True,
                         text=True, timeout=TIMEOUT)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-20000:]
    # What the probe saw, not only an exit status.
    assert "compose-probe: GET /ready → 200" in output, output[-5000:]
    assert "created and read back customer" in output, output[-5000:]
    assert "compose-probe: Prometheus targets all up" in output, output[-5000:]
