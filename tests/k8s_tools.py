"""kubectl (Debian's `kubernetes-client`, installed by scripts/ensure_kubectl.sh, which
scripts/test.sh runs) and the offline checks of deploy/k8s beyond Kubernetes' own schemas: the
operators' kinds against their CRDs' schemas (vendored), and the references between objects.

A missing kubectl fails the test with the command that installs it, never skips it: CI must not
pass with the overlays unrendered."""
import json
import re
import shutil
import subprocess

import jsonschema
import pytest
import yaml

from services import registry

K8S = registry.ROOT / "deploy" / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir())
INSTALL = ("scripts/ensure_kubectl.sh (as root), or: "
           "sudo apt-get install -y --no-install-recommends kubernetes-client")

CRD_SCHEMAS = registry.ROOT / "tests" / "k8s_crd_schemas"     # scripts/vendor_crd_schemas.py


def strict(node):
    """A CRD's structural schema as the API server applies it with strict field validation
    (kubectl's default since 1.27): a field the schema does not declare is an error, unless the
    schema keeps unknown fields; int-or-string accepts both."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    if (node.get("type") == "object" and isinstance(node.get("properties"), dict)
            and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields")):
        node["additionalProperties"] = False
    if node.get("x-kubernetes-int-or-string") and "anyOf" not in node:
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    return node


def _custom_kinds():
    kinds = {}
    for path in sorted(CRD_SCHEMAS.glob("*.json")):
        crd = json.loads(path.read_text())
        kinds[crd["kind"]] = (f"{crd['group']}/{crd['version']}",
                              jsonschema.Draft4Validator(strict(crd["schema"])))
    return kinds


# The operators' kinds the manifests use: apiVersion and schema from their CRDs.
CUSTOM_KINDS = _custom_kinds()


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
    """What the operator's CRD would refuse: another apiVersion, a missing required field, a
    wrong type or value, an unknown field. Its CEL rules (x-kubernetes-validations) and the
    operator's own webhook are not run."""
    kind = doc.get("kind")
    if kind not in CUSTOM_KINDS:
        return []
    api_version, validator = CUSTOM_KINDS[kind]
    name = f"{kind}/{field(doc, 'metadata.name')}"
    if doc.get("apiVersion") != api_version:
        return [f"{name}: apiVersion {doc.get('apiVersion')} is not {api_version}"]
    return [f"{name}: {'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(doc)]


def by_kind(documents, kind):
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}


def matches(selector, pod_labels):
    return all(pod_labels.get(key) == value for key, value in selector.items())


def secret_references(documents):
    """(who, secret, key) for every secretKeyRef of a pod and every KEDA secretTargetRef."""
    refs = []
    for doc in documents:
        who = f"{doc['kind']}/{doc['metadata']['name']}"
        for container in field(doc, "spec.template.spec.containers") or []:
            refs += [(who, e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
                     for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})]
        refs += [(who, ref["name"], ref["key"]) for ref in field(doc, "spec.secretTargetRef") or []]
    return refs


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
                broker = re.fullmatch(r"amqp://.*@([\w.-]+):5672/", env.get("value", ""))
                if broker and broker[1] not in by_kind(documents, "RabbitmqCluster"):
                    problems.append(f"Deployment/{name}: {env['name']} is not a RabbitmqCluster's")
    return problems
