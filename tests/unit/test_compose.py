"""docker-compose.yml is valid compose: Debian's docker-compose (1.29; scripts/test.sh installs
it) parses, interpolates and validates it against its compose schema — unknown options, wrong
types, undefined services, a missing secret all fail. `make compose-check` runs the stack itself.

A missing docker-compose fails the test naming the install command, never skips it."""
import re
import shutil
import subprocess

import pytest
import yaml

from services import registry
from tests.service_settings import SMTP_SETTINGS, mailers, secrets_and_links

ROOT = registry.ROOT
COMPOSE = (ROOT / "docker-compose.yml").read_text()
EXAMPLE_ENV = ROOT / "deploy" / "compose.env.example"
LOCAL_ENV = ROOT / "deploy" / "local" / "compose.env"
INSTALL = "sudo apt-get install -y --no-install-recommends docker-compose (scripts/test.sh does, as root)"


def config(compose_file, env_file=EXAMPLE_ENV, extra_env=None, quiet=True):
    """`docker-compose config` on that file as if it were the repository's (relative paths,
    project name), with only that env file: the developer's environment must not leak in."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail(f"`docker-compose` is not installed; the compose validation needs it: {INSTALL}",
                    pytrace=False)
    command = [binary, "--project-directory", str(ROOT), "-p", "crm", "--env-file", str(env_file),
               "-f", str(compose_file), "config"] + (["-q"] if quiet else [])
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", **(extra_env or {})})


def test_the_compose_file_is_valid_with_the_example_env():
    result = config(ROOT / "docker-compose.yml")
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("edit, message", [
    (("  restart: unless-stopped\n", "  restart: unless-stopped\n  restrat: always\n"),
     "Unsupported config option for services.identity: 'restrat'"),
    (("condition: service_completed_successfully", "condition: service_done"),
     'services.identity.depends_on.migrate.condition contains "service_done"'),
    (("    depends_on:\n      - prometheus\n", "    depends_on:\n      - prometheus\n      - grafana2\n"),
     "Service 'grafana' depends on service 'grafana2' which is undefined"),
    (('      MP_MAX_MESSAGES: "5000"', "      MP_MAX_MESSAGES: [5000]"),
     "services.mailpit.environment.MP_MAX_MESSAGES contains [5000], which is an invalid type"),
])
def test_an_invalid_compose_file_is_refused(tmp_path, edit, message):
    old, new = edit
    assert old in COMPOSE
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.replace(old, new, 1))
    result = config(broken)
    assert result.returncode != 0 and message in result.stderr, result.stderr


def test_a_missing_secret_is_named(tmp_path):
    env = tmp_path / "compose.env"
    env.write_text("\n".join(line for line in EXAMPLE_ENV.read_text().splitlines()
                             if not line.startswith("JWT_SECRET=")))
    result = config(ROOT / "docker-compose.yml", env)
    assert result.returncode != 0 and "set JWT_SECRET in .env" in result.stderr, result.stderr


def images(extra_env):
    result = config(ROOT / "docker-compose.yml", extra_env=extra_env, quiet=False)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    return {name: block["image"] for name, block in services.items()}, services


def local_env():
    return dict(line.split("=", 1) for line in LOCAL_ENV.read_text().splitlines()
                if line and not line.startswith("#"))


def test_users_get_the_public_images():
    found, services = images({})
    assert found["rabbitmq"] == "rabbitmq:3-management" and found["postgres"] == "postgres:16"
    assert services["gateway"]["build"]["args"] == {"BASE_IMAGE": "python:3.11-slim"}


def test_the_local_run_replaces_every_image_it_starts_and_only_those():
    """deploy/local/compose.env (the one override of `make compose-check`) must name a local image
    for every service the check starts; the ones it cannot build are exactly the ones it skips."""
    found, services = images(local_env())
    script = (ROOT / "scripts" / "compose_check.sh").read_text()
    not_local = set(re.search(r'^NOT_LOCAL="([^"]*)"', script, re.MULTILINE).group(1).split())
    public = {name for name, image in found.items()
              if not image.startswith("localhost/") and image != "crm:latest"}
    assert public == not_local == {"grafana", "mailpit"}
    built = {name for name, block in services.items() if "build" in block}
    assert {s.name for s in registry.SERVICES} | {"migrate"} == built
    assert all(services[name]["build"]["args"]["BASE_IMAGE"] == local_env()["CRM_BASE_IMAGE"]
               for name in built)
    local_files = {p.name for p in (ROOT / "deploy" / "local").glob("*.Containerfile")}
    named = {image.split("/")[1].split(":")[0].removeprefix("crm-local-") + ".Containerfile"
             for image in local_env().values()}
    assert named == local_files


def test_each_mailing_service_gets_smtp_its_secrets_and_its_public_links():
    """What test_k8s checks of the Deployments, of the compose services: the SMTP settings and
    every secret, key and public base URL their settings.py reads; the keys with a dev default
    in the code are required from .env (a stack started without them stops, naming them)."""
    _images, services = images({})
    for service in mailers():
        names, dev_defaults = secrets_and_links(service)
        environment = services[service.name]["environment"]
        assert sorted((SMTP_SETTINGS | names) - set(environment)) == [], service.name
        assert environment["SMTP_HOST"] == "mailpit"
        for name in dev_defaults:
            assert f"${{{name}:?set {name} in .env}}" in COMPOSE, name


@pytest.mark.parametrize("key", ["SERVICE_DESK_SURVEY_SECRET", "MARKETING_TRACKING_SECRET",
                                 "MARKETING_FORM_SENDER_KEY"])
def test_a_missing_signing_key_is_named(tmp_path, key):
    env = tmp_path / "compose.env"
    env.write_text("\n".join(line for line in EXAMPLE_ENV.read_text().splitlines()
                             if not line.startswith(f"{key}=")))
    result = config(ROOT / "docker-compose.yml", env)
    assert result.returncode != 0 and f"set {key} in .env" in result.stderr, result.stderr
