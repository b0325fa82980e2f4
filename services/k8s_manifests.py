"""deploy/k8s/: the Kubernetes objects that name services, generated from services/registry.py.

Per service (deploy/k8s/base/services/<name>.yaml): its Deployment (one image, `nameko run` of
its class, env from the `crm-config` ConfigMap and the `crm-secrets` / CloudNativePG secrets),
a Service for its metrics port, a PodDisruptionBudget, a PodMonitor, and its autoscaler — a
KEDA ScaledObject on the queues it consumes (services/consumed_queues.py), or for the gateway an
HPA on CPU plus its HTTP Service. Also the CloudNativePG `Database` per service, the migrate Job,
deploy/prometheus's rules as PrometheusRules, the base kustomization and the overlays' size
patches (services/k8s_sizes.py's table). The
RabbitMQ cluster, the ConfigMap, the KEDA TriggerAuthentication and the Ingress are hand-written
files next to these: nothing in them depends on the list of services.
"""
import functools

import yaml

from services import registry
from services.k8s_workloads import (APP_SECRET, CONTAINER_SECURITY, IMAGE, PART_OF, POD_SECURITY,
                                    POSTGRES_CLUSTER, RABBITMQ_CLUSTER, broker_env, database_credentials,
                                    database_url, k8s_name, labels, metrics_service, pod_disruption_budget,
                                    pod_monitor, workload)
from services.k8s_sizes import SIZES, max_connections, resources

K8S = "deploy/k8s"
HEADER = "# Generated from services/registry.py by `python -m services.registry generate`; do not edit.\n"
HAND_WRITTEN = ["config.yaml", "rabbitmq.yaml", "keda-auth.yaml"]
OVERLAY_EXTRAS = {"large": ["ingress.yaml"]}      # hand-written, next to the overlay's kustomization
NAMESPACE = "crm"
QUEUE_LENGTH_PER_REPLICA = 20        # messages waiting (ready + unacked) one process should carry


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True             # a probe's check written out three times, not as &id001 / *id001


def _text(dumper, value):
    """Multi-line strings (PromQL, RabbitMQ's config) as `|` blocks, as a person writes them."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dump(*documents, comment=""):
    body = "---\n".join(yaml.dump(d, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100)
                        for d in documents)
    return HEADER + comment + body


def scaled_object(service):
    """KEDA: replicas follow the summed backlog of the service's queues (management API, regex)."""
    from services.consumed_queues import pattern

    base = SIZES["base"]
    return {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": {"name": k8s_name(service), "labels": labels(service)},
        "spec": {
            "scaleTargetRef": {"name": k8s_name(service)},
            # Never zero: every service runs timers (outbox sweep, event-log catch-up) and
            # answers `health`, which the gateway's /ready asks.
            "minReplicaCount": base.min_replicas,
            "maxReplicaCount": base.max_replicas,
            "pollingInterval": 15,
            "cooldownPeriod": 300,
            "triggers": [{
                "type": "rabbitmq",
                "metadata": {
                    "host": f"http://{RABBITMQ_CLUSTER}:15672", "protocol": "http", "vhostName": "/",
                    "mode": "QueueLength", "value": str(QUEUE_LENGTH_PER_REPLICA),
                    "useRegex": "true", "operation": "sum", "queueName": pattern(service.name),
                    "pageSize": "500",      # the management API's largest page (default 100)
                },
                "authenticationRef": {"name": "crm-rabbitmq"},
            }],
        },
    }


def gateway_autoscaler(service):
    base = SIZES["base"]
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": k8s_name(service), "labels": labels(service)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": k8s_name(service)},
            "minReplicas": base.min_replicas, "maxReplicas": base.max_replicas,
            "metrics": [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
        },
    }


def gateway_service(service):
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": k8s_name(service), "labels": labels(service)},
        "spec": {"selector": labels(service),
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }


def service_file(service):
    documents = [workload(service), metrics_service(service), pod_disruption_budget(service),
                 pod_monitor(service)]
    if service.name == registry.GATEWAY:
        documents += [gateway_service(service), gateway_autoscaler(service)]
    else:
        documents.append(scaled_object(service))
    return dump(*documents)


def postgres():
    base = SIZES["base"]
    cluster = {
        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
        "metadata": {"name": POSTGRES_CLUSTER, "labels": {"app.kubernetes.io/part-of": PART_OF}},
        "spec": {
            "instances": base.postgres_instances,
            "storage": {"size": base.postgres_storage},
            # The owner of every database below; its password is in the `crm-pg-app` secret.
            "bootstrap": {"initdb": {"database": "crm", "owner": "crm"}},
            "postgresql": {"parameters": {"max_connections": str(max_connections(base))}},
        },
    }
    databases = [{
        "apiVersion": "postgresql.cnpg.io/v1", "kind": "Database",
        "metadata": {"name": f"{POSTGRES_CLUSTER}-{k8s_name(s)}", "labels": labels(s)},
        "spec": {"name": s.name, "owner": "crm", "cluster": {"name": POSTGRES_CLUSTER}},
    } for s in registry.with_database()]
    return dump(cluster, *databases, comment=(
        "# CloudNativePG: one cluster, one database per service (no service can read another's\n"
        f"# tables). Services connect through the `{POSTGRES_CLUSTER}-rw` Service (the primary).\n"))


def migrate_job():
    env = [{"name": "ADMIN_EMAIL", "valueFrom": {"secretKeyRef": {"name": APP_SECRET, "key": "ADMIN_EMAIL"}}},
           {"name": "ADMIN_PASSWORD", "valueFrom": {"secretKeyRef": {"name": APP_SECRET,
                                                                     "key": "ADMIN_PASSWORD"}}}]
    env += broker_env() + database_credentials() + [database_url(s) for s in registry.with_database()]
    job_labels = {"app.kubernetes.io/name": "migrate", "app.kubernetes.io/part-of": PART_OF}
    container = {
        "name": "migrate", "image": IMAGE,
        "command": ["sh", "-c", "python -m services.chassis.migrate upgrade"
                    " && python -m services.identity.bootstrap"],
        "env": env,
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "securityContext": CONTAINER_SECURITY,
    }
    return dump({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "crm-migrate", "labels": job_labels},
        "spec": {
            # Retried with back-off while PostgreSQL is still coming up; services started meanwhile
            # exit (their tables are missing) and are restarted until it has run.
            "backoffLimit": 10,
            "ttlSecondsAfterFinished": 3600,
            "template": {"metadata": {"labels": job_labels},
                         "spec": {"restartPolicy": "Never", "automountServiceAccountToken": False,
                                  "securityContext": POD_SECURITY, "containers": [container]}},
        },
    }, comment="# Every service's migrations, then the first admin. A Job's pod template cannot be\n"
               "# changed: delete a finished one (`kubectl delete job crm-migrate`) before applying\n"
               "# a new image, or wait for its TTL.\n")


def prometheus_rules():
    """deploy/prometheus's recording and alerting rules as the Prometheus operator loads them."""
    documents = []
    for path in sorted((registry.ROOT / "deploy" / "prometheus").glob("*.rules.yml")):
        groups = yaml.safe_load(path.read_text())["groups"]
        documents.append({
            "apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
            "metadata": {"name": f"crm-{path.name.removesuffix('.rules.yml')}",
                         "labels": {"app.kubernetes.io/part-of": PART_OF}},
            "spec": {"groups": groups},
        })
    return dump(*documents, comment=(
        "# deploy/prometheus/*.rules.yml (unit-tested there with promtool), for the Prometheus operator.\n"))


def base_kustomization():
    resources = HAND_WRITTEN + ["postgres.yaml", "migrate.yaml", "prometheus-rules.yaml"]
    resources += [f"services/{s.name}.yaml" for s in registry.SERVICES]
    return dump({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                 "resources": resources})


def size_patches(size):
    """Strategic-merge patches giving the base's objects an overlay's size."""
    patches = []
    for s in registry.SERVICES:
        meta = {"name": k8s_name(s)}
        patches.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": {
            "template": {"spec": {"containers": [{"name": k8s_name(s), "resources": resources(size)}]}}}})
        if s.name == registry.GATEWAY:
            patches.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                            "metadata": meta, "spec": {"minReplicas": size.min_replicas,
                                                       "maxReplicas": size.max_replicas}})
        else:
            patches.append({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": meta,
                            "spec": {"minReplicaCount": size.min_replicas,
                                     "maxReplicaCount": size.max_replicas}})
    patches.append({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster",
                    "metadata": {"name": POSTGRES_CLUSTER}, "spec": {
                        "instances": size.postgres_instances, "storage": {"size": size.postgres_storage},
                        "postgresql": {"parameters": {"max_connections": str(max_connections(size))}}}})
    patches.append({"apiVersion": "rabbitmq.com/v1beta1", "kind": "RabbitmqCluster",
                    "metadata": {"name": RABBITMQ_CLUSTER}, "spec": {"replicas": size.rabbitmq_replicas}})
    return patches


def overlay_kustomization(name):
    kustomization = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                     "namespace": NAMESPACE, "bases": ["../../base"]}
    if name in OVERLAY_EXTRAS:
        kustomization["resources"] = OVERLAY_EXTRAS[name]
    kustomization["patchesStrategicMerge"] = ["sizes.yaml"]
    return dump(kustomization, comment=(
        "# `bases` and `patchesStrategicMerge`, not `resources` / `patches`: the kubectl of Debian 12\n"
        "# (kubernetes-client 1.20, kustomize 2.0) reads only these; newer ones still do (with a\n"
        "# deprecation warning).\n"))


def overlay_sizes(name):
    return dump(*size_patches(SIZES[name]), comment=(
        f"# The `{name}` size (services/k8s_sizes.py): pods per service, their resources, the\n"
        "# RabbitMQ and PostgreSQL clusters.\n"))


def renderers():
    """{path: render()} of every generated file under deploy/k8s. Rendering a service's file
    imports its class (its queues); listing the paths imports nothing."""
    files = {f"{K8S}/base/kustomization.yaml": base_kustomization,
             f"{K8S}/base/postgres.yaml": postgres,
             f"{K8S}/base/migrate.yaml": migrate_job,
             f"{K8S}/base/prometheus-rules.yaml": prometheus_rules}
    files.update({f"{K8S}/base/services/{s.name}.yaml": functools.partial(service_file, s)
                  for s in registry.SERVICES})
    for name in (size for size in SIZES if size != "base"):
        overlay = f"{K8S}/overlays/{name}"
        files[f"{overlay}/kustomization.yaml"] = functools.partial(overlay_kustomization, name)
        files[f"{overlay}/sizes.yaml"] = functools.partial(overlay_sizes, name)
    return files
