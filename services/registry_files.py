"""The files services/registry.py generates, and the ones it only checks.

    python -m services.registry generate    rewrite deploy/supervisord.conf, deploy/prometheus.yml,
                                            deploy/postgres-init.sql from the registry, the
                                            Grafana dashboards from services/dashboards.py, and
                                            deploy/k8s from services/k8s_manifests.py
    python -m services.registry check       exit 1 naming every file that drifted from it
                                            (the generated ones, docker-compose.yml, the Dockerfile)
    python -m services.registry ports       "<name> <metrics port>" per service, as the services
                                            will bind them (<NAME>_METRICS_PORT wins); scripts/run.sh
    python -m services.registry prometheus  a Prometheus config scraping those ports on this
                                            machine, with deploy/prometheus's rules (README)

docker-compose.yml stays hand-written (anchors, healthchecks, comments read better than a
template): `compose_problems` checks its service blocks instead.
"""
import argparse
import re

from services import dashboards, k8s_manifests
from services.registry import ROOT, SERVICES, with_database

HEADER = "Generated from services/registry.py by `python -m services.registry generate`; do not edit."
# docker-compose.yml services that are infrastructure, not ours.
COMPOSE_INFRASTRUCTURE = {"rabbitmq", "postgres", "migrate", "prometheus", "grafana", "mailpit"}
GATEWAY_HTTP_PORT = 8000


# How supervisord treats a service (deploy/supervisord.conf, `make run`). A process that dies
# before STARTSECS is "failed to start" and retried after 1, 2, 3... s (supervisord's backoff),
# STARTRETRIES times before it gives up ("entered FATAL state"); one that dies later, having run,
# is restarted at once. nameko stops gracefully on SIGTERM; after STOPWAITSECS it is killed.
STARTSECS = 10          # longer than a service's start (imports, broker, database) under load
STARTRETRIES = 10       # ~1 min of retries (1 + 2 + ... + 10 s) before giving up
STOPWAITSECS = 15
GROUP = "crm"           # supervisorctl names a service crm:<service>


def supervisord_conf():
    data = "%(ENV_CRM_DATA_DIR)s"          # scripts/run.sh exports it, absolute
    lines = [
        f"; {HEADER}",
        "; `make run` (scripts/run.sh) runs `supervisord -c deploy/supervisord.conf`: every service its",
        "; own process, restarted when it dies (with backoff, a log line each time), the others",
        "; untouched; SIGINT/SIGTERM stops them all. Each service's output goes to the terminal",
        "; prefixed by its name (services/terminal_log.py) and to $CRM_DATA_DIR/log/<service>.log.",
        ";     .venv/bin/supervisorctl -s unix://$CRM_DATA_DIR/supervisor.sock status|restart crm:<service>",
        "",
        "[supervisord]",
        "nodaemon=true",
        "logfile=/dev/stdout",
        "logfile_maxbytes=0",
        f"pidfile={data}/supervisord.pid",
        f"childlogdir={data}/log",
        "",
        "[unix_http_server]",
        f"file={data}/supervisor.sock",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{data}/supervisor.sock",
    ]
    # One group: supervisord stops a group's processes at once (one group after another, else).
    lines += [
        "",
        f"[group:{GROUP}]",
        f"programs={','.join(s.name for s in SERVICES)}",
        "priority=2",
    ]
    for priority, s in enumerate(SERVICES, start=1):
        lines += [
            "",
            f"[program:{s.name}]",
            f"command=nameko run --config config.yml {s.target}",
            "directory=%(here)s/..",
            f"priority={priority}",
            "environment=PYTHONUNBUFFERED=\"1\"",
            "autorestart=true",
            f"startsecs={STARTSECS}",
            f"startretries={STARTRETRIES}",
            f"stopwaitsecs={STOPWAITSECS}",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={data}/log/%(program_name)s.log",
            "stdout_logfile_maxbytes=10MB",
            "stdout_logfile_backups=3",
            "stdout_events_enabled=true",
        ]
    lines += [
        "",
        "[eventlistener:terminal]",
        "command=python -m services.terminal_log",
        "directory=%(here)s/..",
        "priority=1",                 # started first, stopped last: it prints the services' last words
        "events=PROCESS_LOG",
        "buffer_size=10000",
        "autorestart=true",
        "stderr_logfile=/dev/stdout",
        "stderr_logfile_maxbytes=0",
    ]
    return "\n".join(lines) + "\n"


# Relative to deploy/prometheus.yml: the recording and alerting rules (deploy/prometheus/).
PROMETHEUS_RULE_FILES = "prometheus/*.rules.yml"


def prometheus(targets=None, interval="15s", rule_files=PROMETHEUS_RULE_FILES):
    """deploy/prometheus.yml. `targets` (service name → "host:port", e.g. a test's free ports;
    "prometheus" → its own address)
    scrapes those addresses instead of each service's DNS name, at `interval`; `rule_files` is
    the rules' glob, relative to the written file."""
    lines = [
        f"# {HEADER}",
        "# Scrapes every service's own /metrics port. DNS discovery finds every replica of a service",
        "# (docker compose up --scale customers=3), not only the first.",
        "global:",
        f"  scrape_interval: {interval}",
        f"  evaluation_interval: {interval}",
        "",
        "rule_files:",
        f'  - "{rule_files}"',
        "",
        "scrape_configs:",
    ]
    for s in SERVICES:
        lines.append(f"  - job_name: {s.name}")
        if targets is None:
            lines += [
                "    dns_sd_configs:",
                f'      - names: ["{s.name}"]',
                "        type: A",
                f"        port: {s.metrics_port}",
            ]
        else:
            lines += [
                "    static_configs:",
                f'      - targets: ["{targets[s.name]}"]',
            ]
    if targets is None:
        # RabbitMQ's own metrics (rabbitmq_prometheus plugin): the queues panels of the
        # crm-event-flow dashboard. A test's copy scrapes only what it names.
        lines += [
            "  - job_name: rabbitmq",
            "    dns_sd_configs:",
            '      - names: ["rabbitmq"]',
            "        type: A",
            "        port: 15692",
            # Per-queue depths (the aggregated /metrics has no queue label): the dead-letter
            # queue's alert (CrmDeadLetters) reads rabbitmq_detailed_queue_messages from here.
            "  - job_name: rabbitmq-queues",
            "    metrics_path: /metrics/detailed",
            "    params:",
            '      family: ["queue_coarse_metrics"]',
            "    dns_sd_configs:",
            '      - names: ["rabbitmq"]',
            "        type: A",
            "        port: 15692",
        ]
    itself = (targets or {}).get("prometheus", "localhost:9090")
    lines += [
        "  - job_name: prometheus",
        "    static_configs:",
        f'      - targets: ["{itself}"]',
    ]
    return "\n".join(lines) + "\n"


def postgres_init():
    lines = [
        f"-- {HEADER}",
        "-- One PostgreSQL server, one database per service: no service can read another's tables.",
    ]
    lines += [f"CREATE DATABASE {s.name};" for s in with_database()]
    return "\n".join(lines) + "\n"


GENERATED = {
    "deploy/supervisord.conf": supervisord_conf,
    "deploy/prometheus.yml": prometheus,
    "deploy/postgres-init.sql": postgres_init,
}
GENERATED.update({path: (lambda text=text: text) for path, text in dashboards.rendered().items()})
GENERATED.update(k8s_manifests.renderers())      # deploy/k8s: Deployments, autoscalers, databases


def generated_drift(root=ROOT):
    """The generated files whose committed text differs from what the registry renders now."""
    return [path for path, render in GENERATED.items()
            if not (root / path).exists() or (root / path).read_text() != render()]


def compose_problems(text):
    """What docker-compose.yml says differently from the registry (empty: nothing)."""
    import yaml

    compose = yaml.safe_load(text)["services"]
    problems = []
    ours = set(compose) - COMPOSE_INFRASTRUCTURE
    listed = {s.name for s in SERVICES}
    problems += [f"{name}: in docker-compose.yml, not in the registry" for name in sorted(ours - listed)]
    problems += [f"{name}: no service block" for name in sorted(listed - ours)]
    for s in SERVICES:
        block = compose.get(s.name)
        if block is None:
            continue
        if block.get("command") != ["nameko", "run", "--config", "config.yml", s.target]:
            problems.append(f"{s.name}: command is not `nameko run ... {s.target}`")
        env = block.get("environment", {})
        if str(env.get(s.metrics_setting)) != str(s.metrics_port):
            problems.append(f"{s.name}: {s.metrics_setting} is not {s.metrics_port}")
        databases = {key for key in env if key.endswith("_DATABASE_URL")}
        expected = {s.database_setting} if s.has_database else set()
        if databases != expected:
            problems.append(f"{s.name}: database settings {sorted(databases)} != {sorted(expected)}")
        elif s.has_database and not env[s.database_setting].endswith(f"@postgres:5432/{s.name}"):
            problems.append(f"{s.name}: {s.database_setting} is not the `{s.name}` database")
    migrate = compose.get("migrate", {})
    missing = {s.database_setting for s in with_database()} - set(migrate.get("environment", {}))
    problems += [f"migrate: no {setting}" for setting in sorted(missing)]
    if "services.chassis.migrate upgrade &&" not in " ".join(migrate.get("command", [])):
        problems.append("migrate: should run `services.chassis.migrate upgrade` (every service)")
    watched = set(compose.get("prometheus", {}).get("depends_on", []))
    problems += [f"prometheus: does not depend on {name}" for name in sorted(listed - watched)]
    return problems


def dockerfile_problems(text):
    """The image must EXPOSE the gateway's HTTP port and every metrics port."""
    match = re.search(r"^EXPOSE (.+)$", text, re.MULTILINE)
    exposed = {int(port) for port in match.group(1).split()} if match else set()
    expected = {GATEWAY_HTTP_PORT} | {s.metrics_port for s in SERVICES}
    if exposed == expected:
        return []
    return [f"deploy/Dockerfile: EXPOSE {sorted(exposed)} != {sorted(expected)}"]


def problems(root=ROOT):
    found = [f"{path}: differs from the registry (python -m services.registry generate)"
             for path in generated_drift(root)]
    found += [f"docker-compose.yml: {p}" for p in compose_problems((root / "docker-compose.yml").read_text())]
    found += dockerfile_problems((root / "deploy" / "Dockerfile").read_text())
    return found


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m services.registry")
    parser.add_argument("command", choices=["generate", "check", "ports", "prometheus"])
    command = parser.parse_args(argv).command
    if command == "prometheus":       # a config for this machine: `make run`'s ports, our rules
        from services.chassis import settings

        print(prometheus({s.name: f"127.0.0.1:{settings.metrics_port(s.name)}" for s in SERVICES},
                         rule_files=str(ROOT / "deploy" / PROMETHEUS_RULE_FILES)), end="")
        return 0
    if command == "ports":
        from services.chassis import settings

        for s in SERVICES:
            print(s.name, settings.metrics_port(s.name))
        return 0
    if command == "generate":
        for path, render in GENERATED.items():
            (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
            (ROOT / path).write_text(render())
            print(f"wrote {path}")
    found = problems()            # after generating: what is left to do by hand
    for problem in found:
        print(problem)
    return 1 if found else 0
