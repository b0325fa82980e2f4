"""One service's pods on Kubernetes: its Deployment and what watches it (services/k8s_manifests.py).

Probes — what each process really exposes (no endpoint was added for Kubernetes):
- every process serves Prometheus' /metrics on its own port from the moment its dependencies
  have started: after its database answered and was found migrated (Database.setup waits up to
  DB_START_WAIT_SECONDS), before its consumers attach to the broker. Under nameko's eventlet that
  listener is a green thread of the same hub as the workers, so an answer also says the hub is not
  stuck. It does not say the broker is reachable: nothing but an RPC round trip (`health`) does,
  and an exec probe making one would start a Python importing nameko (0.3 CPU-seconds here)
  every period in every pod.
- the gateway also answers /health (its process; no dependencies). Its /ready asks every service
  over RPC: fine for a dashboard or a smoke test, wrong for a readiness probe — one slow service
  would take every gateway replica out of its Service at once, turning 503s for one domain into
  connection errors for all of them.

Shutdown: Kubernetes sends SIGTERM to PID 1, `nameko run` (exec form, no shell). nameko's handler
calls ServiceRunner.stop → each container's stop(): entrypoints stop first (consumers cancelled,
the HTTP listener closed, timers finish their current run), then it waits for every running
worker, then stops the dependencies; the process exits 0. A message taken but not acked returns to
its queue when the connection closes (the inbox drops it if it was applied). Nothing bounds that
wait but the grace period, after which the kubelet kills the process.
"""
from services import registry
from services.k8s_sizes import SIZES, resources

IMAGE = "crm:latest"                # overlays / your own kustomization set the real one (`images:`)
PART_OF = "crm"
CONFIG_MAP = "crm-config"
APP_SECRET = "crm-secrets"          # created by the user (README "Kubernetes"), never in git
POSTGRES_CLUSTER = "crm-pg"
DATABASE_SECRET = f"{POSTGRES_CLUSTER}-app"     # CloudNativePG's secret for the initdb owner
RABBITMQ_CLUSTER = "crm-rabbitmq"               # deploy/k8s/base/rabbitmq.yaml
RABBITMQ_SECRET = f"{RABBITMQ_CLUSTER}-default-user"    # made by the RabbitMQ operator
USER_ID = 10001                     # deploy/Dockerfile's `crm` user
GRACE_SECONDS = 30                  # > the longest worker we expect: RPC deadlines are 5 s
GATEWAY_DRAIN_SECONDS = 5           # endpoints removal reaching every node before the listener closes
DB_START_WAIT = 120                 # DB_START_WAIT_SECONDS' default: the startup probe outlasts it


POD_SECURITY = {"runAsNonRoot": True, "runAsUser": USER_ID, "seccompProfile": {"type": "RuntimeDefault"}}
CONTAINER_SECURITY = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def k8s_name(service):
    """Object names are DNS labels: no underscore (service_desk → service-desk)."""
    return service.name.replace("_", "-")


def selector(service):
    return {"app.kubernetes.io/name": service.name, "app.kubernetes.io/part-of": PART_OF}


def labels(service):
    component = "gateway" if service.name == registry.GATEWAY else "service"
    return {**selector(service), "app.kubernetes.io/component": component}


# The services that mail (services/chassis/mail.py) get the SMTP login from `crm-secrets`; the
# server, port, security and sender are in the ConfigMap with the public base URLs. The signing
# secrets are required — a pod without them does not start, rather than signing its survey,
# tracking and form links with the code's dev defaults; the SMTP login (a relay without AUTH)
# and the inbound webhooks' secrets (empty: every inbound call refused) may be left out.
MAIL_SECRETS = (("SMTP_USERNAME", True), ("SMTP_PASSWORD", True))
SERVICE_SECRETS = {          # service → ((crm-secrets key = the setting, optional), ...)
    "marketing": MAIL_SECRETS + (("MARKETING_TRACKING_SECRET", False),
                                 ("MARKETING_FORM_SENDER_KEY", False),
                                 ("MARKETING_INBOUND_WEBHOOK_SECRET", True)),
    "service_desk": MAIL_SECRETS + (("SERVICE_DESK_SURVEY_SECRET", False),
                                    ("SERVICE_DESK_EMAIL_INBOUND_SECRET", True)),
    "reporting": MAIL_SECRETS,             # the weekly digests
}


def secret(name, key, env_name=None, optional=False):
    ref = {"name": name, "key": key, **({"optional": True} if optional else {})}
    return {"name": env_name or key, "valueFrom": {"secretKeyRef": ref}}


def database_credentials():
    """The owner's name and password (CloudNativePG generates letters and digits), for the URLs
    below to refer to as $(POSTGRES_USER)..."""
    return [secret(DATABASE_SECRET, "username", "POSTGRES_USER"),
            secret(DATABASE_SECRET, "password", "POSTGRES_PASSWORD")]


def database_url(service):
    """Its own database on the CloudNativePG primary (`<cluster>-rw`)."""
    return {"name": service.database_setting,
            "value": f"postgresql+psycopg2://$(POSTGRES_USER):$(POSTGRES_PASSWORD)"
                     f"@{POSTGRES_CLUSTER}-rw:5432/{service.name}"}


def broker_env():
    """AMQP_URI from the RabbitMQ operator's generated user (URL-safe base64: no escaping needed)."""
    return [secret(RABBITMQ_SECRET, "username", "RABBITMQ_USER"),
            secret(RABBITMQ_SECRET, "password", "RABBITMQ_PASSWORD"),
            {"name": "AMQP_URI", "value": f"amqp://$(RABBITMQ_USER):$(RABBITMQ_PASSWORD)@{RABBITMQ_CLUSTER}:5672/"}]


def environment(service):
    env = broker_env() + [secret(APP_SECRET, "JWT_SECRET"), secret(APP_SECRET, "CURSOR_SECRET"),
                          {"name": service.metrics_setting, "value": str(service.metrics_port)}]
    env += [secret(APP_SECRET, key, optional=optional)
            for key, optional in SERVICE_SECRETS.get(service.name, ())]
    if service.has_database:
        env += database_credentials() + [database_url(service)]
    if service.name == registry.GATEWAY:
        env.append({"name": "GATEWAY_ADDRESS", "value": "0.0.0.0:8000"})
    return env


def probes(service):
    port, path = ("http", "/health") if service.name == registry.GATEWAY else ("metrics", "/metrics")
    check = {"httpGet": {"path": path, "port": port}}
    return {
        "startupProbe": {**check, "periodSeconds": 5, "failureThreshold": (DB_START_WAIT + 60) // 5},
        "readinessProbe": {**check, "periodSeconds": 10, "timeoutSeconds": 3, "failureThreshold": 3},
        "livenessProbe": {**check, "periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 3},
    }


def container(service):
    ports = [{"name": "metrics", "containerPort": service.metrics_port}]
    if service.name == registry.GATEWAY:
        ports.insert(0, {"name": "http", "containerPort": 8000})
    spec = {
        "name": k8s_name(service),
        "image": IMAGE,
        "command": ["nameko", "run", "--config", "config.yml", service.target],
        "ports": ports,
        "envFrom": [{"configMapRef": {"name": CONFIG_MAP}}],
        "env": environment(service),
        "resources": resources(SIZES["base"]),
        **probes(service),
        "securityContext": {**CONTAINER_SECURITY, "readOnlyRootFilesystem": True},
        # CRM_DATA_DIR (the image's /app/var) and /tmp are the only places written to.
        "volumeMounts": [{"name": "data", "mountPath": "/app/var"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    if service.name == registry.GATEWAY:
        # Kubernetes removes the pod from the Service while it sends SIGTERM; keep accepting
        # until every node's proxy has heard, or new connections are refused meanwhile.
        spec["lifecycle"] = {"preStop": {"exec": {"command": ["sleep", str(GATEWAY_DRAIN_SECONDS)]}}}
    return spec


def workload(service):
    grace = GRACE_SECONDS + (GATEWAY_DRAIN_SECONDS if service.name == registry.GATEWAY else 0)
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": k8s_name(service), "labels": labels(service)},
        "spec": {
            # No `replicas`: its autoscaler (KEDA or the HPA) owns the count; `kubectl apply`
            # would otherwise reset it.
            "selector": {"matchLabels": selector(service)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": labels(service)},
                "spec": {
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": grace,
                    "securityContext": POD_SECURITY,
                    "topologySpreadConstraints": [{
                        "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                        "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": {"matchLabels": selector(service)}}],
                    "containers": [container(service)],
                    "volumes": [{"name": "data", "emptyDir": {}}, {"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }


def metrics_service(service):
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": f"{k8s_name(service)}-metrics", "labels": labels(service)},
        "spec": {"selector": selector(service),
                 "ports": [{"name": "metrics", "port": service.metrics_port, "targetPort": "metrics"}]},
    }


def pod_disruption_budget(service):
    """One pod at a time: a drain never takes a service away whole, and with a single replica
    (the small overlay) it still proceeds (minAvailable: 1 would block it for ever)."""
    return {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": k8s_name(service), "labels": labels(service)},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(service)}},
    }


def pod_monitor(service):
    """Prometheus operator: `job` is the service's name, as deploy/prometheus' rules expect."""
    return {
        "apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
        "metadata": {"name": k8s_name(service), "labels": labels(service)},
        "spec": {
            "jobLabel": "app.kubernetes.io/name",
            "selector": {"matchLabels": selector(service)},
            "podMetricsEndpoints": [{"port": "metrics", "path": "/metrics", "interval": "15s"}],
        },
    }
