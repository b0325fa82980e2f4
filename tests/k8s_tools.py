"""kubectl (Debian's `kubernetes-client`, installed by scripts/ensure_kubectl.sh, which
scripts/test.sh runs) and the offline checks of deploy/k8s that no schema bundle covers.

A missing kubectl fails the test with the command that installs it, never skips it: CI must not
pass with the overlays unrendered."""
import re
import shutil
import subprocess

import pytest
import yaml

from services import registry

K8S = registry.ROOT / "deploy" / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir())
INSTALL = ("scripts/ensure_kubectl.sh (as root), or: "
           "sudo apt-get install -y --no-install-recommends kubernetes-client")

# The custom resources' apiVersions and the fields their CRDs require (or that the operator
# cannot do without), read from the operators' CRDs: RabbitMQ Cluster Operator 2.x,
# CloudNativePG 1.25+ (the Database kind), KEDA 2.x, prometheus-operator 0.7x+.
CUSTOM_KINDS = {
    "RabbitmqCluster": ("rabbitmq.com/v1beta1", ["spec.replicas", "spec.rabbitmq.additionalConfig"]),
    "Cluster": ("postgresql.cnpg.io/v1", ["spec.instances", "spec.storage.size"]),
    "Database": ("postgresql.cnpg.io/v1", ["spec.name", "spec.owner", "spec.cluster.name"]),
    "ScaledObject": ("keda.sh/v1alpha1", ["spec.scaleTargetRef.name", "spec.triggers"]),
    "TriggerAuthentication": ("keda.sh/v1alpha1", ["spec.secretTargetRef"]),
    "PodMonitor": ("monitoring.coreos.com/v1", ["spec.selector", "spec.podMetricsEndpoints"]),
}


def kubectl(*args):
    path = shutil.which("kubectl")
    if path is None:
        pytest.fail(f"`kubectl` is not installed; the Kubernetes tests need it: {INSTALL}", pytrace=False)
    result = subprocess.run([path, *map(str, args)], capture_output=True, text=True, timeout=120)
    return result


def render(overlay_dir):
    """`kubectl kustomize <dir>` as a list of documents; fails the test with kubectl's error."""
    result = kubectl("kustomize", overlay_dir)
    assert result.returncode == 0, f"kubectl kustomize {overlay_dir} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def field(doc, dotted):
    value = doc
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def custom_resource_problems(doc):
    kind = doc.get("kind")
    if kind not in CUSTOM_KINDS:
        return []
    api_version, required = CUSTOM_KINDS[kind]
    name = f"{kind}/{field(doc, 'metadata.name')}"
    problems = [] if doc.get("apiVersion") == api_version else [
        f"{name}: apiVersion {doc.get('apiVersion')} is not {api_version}"]
    problems += [f"{name}: no {path}" for path in required if field(doc, path) in (None, "", [], {})]
    for trigger in field(doc, "spec.triggers") or []:
        if not trigger.get("type") or not trigger.get("metadata"):
            problems.append(f"{name}: a trigger without type or metadata")
    for ref in field(doc, "spec.secretTargetRef") or []:
        problems += [f"{name}: secretTargetRef without {key}" for key in ("parameter", "name", "key")
                     if not ref.get(key)]
    return problems


def by_kind(documents, kind):
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}


def matches(selector, pod_labels):
    return all(pod_labels.get(key) == value for key, value in selector.items())


def reference_problems(documents):
    """What points at nothing: selectors, ports, autoscaler targets, secrets, databases."""
    problems = []
    deployments = by_kind(documents, "Deployment")
    pods = {name: d["spec"]["template"] for name, d in deployments.items()}
    port_names = {name: {p["name"] for c in t["spec"]["containers"] for p in c.get("ports", [])}
                  for name, t in pods.items()}

    def selected(selector, what):
        hits = [name for name, pod in pods.items() if matches(selector, pod["metadata"]["labels"])]
        if not hits:
            problems.append(f"{what}: selects no pod")
        return hits

    for kind, path in (("PodDisruptionBudget", "spec.selector.matchLabels"),
                       ("PodMonitor", "spec.selector.matchLabels"), ("Service", "spec.selector")):
        for name, doc in by_kind(documents, kind).items():
            if name == "crm-rabbitmq":
                continue                      # the operator's pods, not ours
            hits = selected(field(doc, path), f"{kind}/{name}")
            wanted = [p.get("targetPort") for p in field(doc, "spec.ports") or []]
            wanted += [e["port"] for e in field(doc, "spec.podMetricsEndpoints") or []]
            problems += [f"{kind}/{name}: no pod port named {port}" for hit in hits
                         for port in wanted if isinstance(port, str) and port not in port_names[hit]]
    for name, doc in by_kind(documents, "ScaledObject").items():
        if field(doc, "spec.scaleTargetRef.name") not in deployments:
            problems.append(f"ScaledObject/{name}: scales no Deployment")
        auths = by_kind(documents, "TriggerAuthentication")
        problems += [f"ScaledObject/{name}: no TriggerAuthentication {t['authenticationRef']['name']}"
                     for t in doc["spec"]["triggers"] if t["authenticationRef"]["name"] not in auths]
    for name, doc in by_kind(documents, "HorizontalPodAutoscaler").items():
        if field(doc, "spec.scaleTargetRef.name") not in deployments:
            problems.append(f"HorizontalPodAutoscaler/{name}: scales no Deployment")
    for name, pod in pods.items():
        for container in pod["spec"]["containers"]:
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                port = field(container, f"{probe}.httpGet.port")
                if port not in port_names[name]:
                    problems.append(f"Deployment/{name}: {probe} on no port named {port}")
    clusters = by_kind(documents, "Cluster")
    databases = {field(d, "spec.name") for d in by_kind(documents, "Database").values()
                 if field(d, "spec.cluster.name") in clusters}
    for name, pod in pods.items():
        for container in pod["spec"]["containers"]:
            for env in container.get("env", []):
                url = re.fullmatch(r"postgresql\+psycopg2://.*@([\w.-]+):5432/(\w+)", env.get("value", ""))
                if url and (url[1] not in {f"{c}-rw" for c in clusters} or url[2] not in databases):
                    problems.append(f"Deployment/{name}: {env['name']} is not a Database on a cluster's -rw")
    return problems
