"""deploy/k8s, offline: each overlay renders with kubectl, the built-in kinds match Kubernetes'
own schemas (kubernetes-validate's bundled copies; no cluster, no network), the operators' kinds
have their apiVersions and required fields, every reference resolves, and the objects say what
services/registry.py and the services' real queues say. Nothing here is applied to a cluster.
(That the committed files are what the registry renders: tests/unit/test_registry.py.)"""
import copy
import re
import shutil

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import latest_version

from services import consumed_queues, k8s_manifests, registry
from services.k8s_sizes import POOL_PER_PROCESS, SIZES
from tests.k8s_tools import (CUSTOM_KINDS, K8S, OVERLAYS, by_kind, custom_resource_problems, field,
                             reference_problems, render, secret_references)
from tests.service_settings import SMTP_SETTINGS, mailers, secrets_and_links

# The oldest Kubernetes the manifests are meant for (autoscaling/v2, policy/v1, seccompProfile
# are older) and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.29.0", latest_version())
# The one secret the user creates (README "Kubernetes"), and those the operators make.
SECRET_KEYS = {"JWT_SECRET", "CURSOR_SECRET", "ADMIN_EMAIL", "ADMIN_PASSWORD", "SMTP_USERNAME",
               "SMTP_PASSWORD", "MARKETING_TRACKING_SECRET", "MARKETING_FORM_SENDER_KEY",
               "MARKETING_INBOUND_WEBHOOK_SECRET", "SERVICE_DESK_SURVEY_SECRET",
               "SERVICE_DESK_EMAIL_INBOUND_SECRET"}
SECRETS = {"crm-secrets": SECRET_KEYS, "crm-pg-app": {"username", "password"},
           "crm-rabbitmq-default-user": {"username", "password"}}


@pytest.fixture(scope="module")
def rendered():
    return {overlay: render(K8S / "overlays" / overlay) for overlay in OVERLAYS}


def test_both_sizes_exist():
    assert OVERLAYS == ["large", "small"]


def schema_problems(documents, version):
    problems = []
    for doc in documents:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            if doc["kind"] not in CUSTOM_KINDS:
                problems.append(f"{doc['kind']}: no schema, and not a known custom resource")
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{doc['kind']}/{doc['metadata']['name']}: {error.message}")
    return problems


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_builtin_kinds_match_the_kubernetes_schemas(rendered, overlay, version):
    assert schema_problems(rendered[overlay], version) == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_custom_resources_and_references_hold(rendered, overlay):
    documents = rendered[overlay]
    assert crd_problems(documents) == []
    assert reference_problems(documents) == []
    assert [ref for ref in secret_references(documents) if ref[2] not in SECRETS.get(ref[1], ())] == []
    assert {doc["kind"] for doc in documents} >= set(CUSTOM_KINDS)
    assert {doc["metadata"].get("namespace") for doc in documents} == {k8s_manifests.NAMESPACE}


def crd_problems(documents):
    return [problem for doc in documents for problem in custom_resource_problems(doc)]


def _deployment(documents, name):
    return by_kind(documents, "Deployment")[name]["spec"]["template"]["spec"]["containers"][0]


BREAKAGES = {
    "a container port as a string": (
        lambda docs: _deployment(docs, "sales")["ports"][0].update(containerPort="9104"),
        schema_problems, "Deployment/sales"),
    "a misspelt Deployment field": (
        lambda docs: by_kind(docs, "Deployment")["audit"]["spec"].update(replica=3),
        schema_problems, "Deployment/audit"),
    "a ScaledObject without triggers": (
        lambda docs: by_kind(docs, "ScaledObject")["reporting"]["spec"].pop("triggers"),
        crd_problems, "ScaledObject/reporting: spec: 'triggers' is a required property"),
    "a misspelt ScaledObject field": (
        lambda docs: by_kind(docs, "ScaledObject")["sales"]["spec"].update(maxReplicas=9),
        crd_problems, "ScaledObject/sales: spec: Additional properties"),
    "a Database without its owner": (
        lambda docs: by_kind(docs, "Database")["crm-pg-audit"]["spec"].pop("owner"),
        crd_problems, "Database/crm-pg-audit: spec: 'owner' is a required property"),
    "a RabbitmqCluster size as a string": (
        lambda docs: by_kind(docs, "RabbitmqCluster")["crm-rabbitmq"]["spec"].update(replicas="3"),
        crd_problems, "RabbitmqCluster/crm-rabbitmq: spec.replicas: '3' is not of type 'integer'"),
    "a PodMonitor endpoint field nobody declares": (
        lambda docs: by_kind(docs, "PodMonitor")["gateway"]["spec"]["podMetricsEndpoints"][0].update(
            metricsPath="/metrics"),
        crd_problems, "PodMonitor/gateway: spec.podMetricsEndpoints.0: Additional properties"),
    "a Database of another API group": (
        lambda docs: by_kind(docs, "Database")["crm-pg-sales"].update(apiVersion="postgresql.k8s.io/v1"),
        crd_problems, "Database/crm-pg-sales: apiVersion"),
    "a renamed metrics port": (
        lambda docs: _deployment(docs, "customers")["ports"][0].update(name="prom"),
        reference_problems, "PodMonitor/customers: no pod port named metrics"),
    "a URL to a database nobody created": (
        lambda docs: _deployment(docs, "identity")["env"][-1].update(
            value="postgresql+psycopg2://u:p@crm-pg-rw:5432/identiti"),
        reference_problems, "Deployment/identity: IDENTITY_DATABASE_URL"),
    "a broker URL to no RabbitmqCluster": (
        lambda docs: next(e for e in _deployment(docs, "audit")["env"] if e["name"] == "AMQP_URI").update(
            value="amqp://u:p@rabbitmq:5672/"),
        reference_problems, "Deployment/audit: AMQP_URI"),
    "a ScaledObject aimed at nothing": (
        lambda docs: by_kind(docs, "ScaledObject")["webhooks"]["spec"]["scaleTargetRef"].update(name="hooks"),
        reference_problems, "ScaledObject/webhooks: scales no Deployment"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_manifest_is_named(rendered, breakage):
    """The checks above can fail: each breakage of a rendered overlay is reported."""
    documents = copy.deepcopy(rendered["small"])
    apply, check, expected = BREAKAGES[breakage]
    apply(documents)
    problems = check(documents, KUBERNETES_VERSIONS[0]) if check is schema_problems else check(documents)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_kustomization_naming_a_missing_file_does_not_render(tmp_path):
    shutil.copytree(K8S, tmp_path / "k8s")
    (tmp_path / "k8s" / "base" / "services" / "sales.yaml").unlink()
    with pytest.raises(AssertionError, match="kubectl kustomize"):
        render(tmp_path / "k8s" / "overlays" / "small")


@pytest.mark.parametrize("service", registry.SERVICES, ids=registry.names())
def test_each_service_runs_as_the_registry_says(rendered, service):
    documents = rendered["large"]
    name = service.name.replace("_", "-")
    container = _deployment(documents, name)
    assert container["command"] == ["nameko", "run", "--config", "config.yml", service.target]
    env = {e["name"]: e for e in container["env"]}
    assert env[service.metrics_setting]["value"] == str(service.metrics_port)
    metrics_ports = {p["containerPort"] for p in container["ports"] if p["name"] == "metrics"}
    assert metrics_ports == {service.metrics_port}
    if service.has_database:
        assert env[service.database_setting]["value"].endswith(f"@crm-pg-rw:5432/{service.name}")
    assert not [key for key in env if key.endswith("_DATABASE_URL") and key != service.database_setting]
    assert field(by_kind(documents, "PodMonitor")[name], "spec.jobLabel") == "app.kubernetes.io/name"
    assert name in by_kind(documents, "PodDisruptionBudget")
    autoscaler = "HorizontalPodAutoscaler" if service.name == registry.GATEWAY else "ScaledObject"
    assert name in by_kind(documents, autoscaler)
    assert env["AMQP_URI"]["value"] == "amqp://$(RABBITMQ_USER):$(RABBITMQ_PASSWORD)@crm-rabbitmq:5672/"


@pytest.mark.parametrize("service", registry.behind_gateway(), ids=lambda s: s.name)
def test_each_autoscaler_watches_exactly_the_queues_its_service_consumes(service):
    """The queue names nameko declares for the real classes, against the trigger's pattern."""
    trigger = k8s_manifests.scaled_object(service)["spec"]["triggers"][0]["metadata"]
    watched = re.compile(trigger["queueName"])
    own = consumed_queues.queues(service)
    assert f"rpc-{service.name}" in own
    assert all(watched.fullmatch(queue) for queue in own), own
    others = [q for s in registry.SERVICES if s != service for q in consumed_queues.queues(s)]
    assert not [queue for queue in others if watched.fullmatch(queue)]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_outlast_their_waits_and_are_never_scaled_away(rendered, overlay):
    """A starting service may wait DB_START_WAIT_SECONDS (120 s) for PostgreSQL before it
    serves anything: its startup probe must allow more. The gateway's preStop sleep must fit in
    its grace period with time left to finish requests. Timers run in every service: never 0."""
    for name, deployment in by_kind(rendered[overlay], "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        startup = pod["containers"][0]["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] > 120, name
        pre_stop = field(pod["containers"][0], "lifecycle.preStop.exec.command") or ["sleep", "0"]
        assert pod["terminationGracePeriodSeconds"] >= int(pre_stop[-1]) + 30, name
    scaled = by_kind(rendered[overlay], "ScaledObject").values()
    assert all(1 <= so["spec"]["minReplicaCount"] <= so["spec"]["maxReplicaCount"] for so in scaled)


def test_a_new_service_gets_its_objects(monkeypatch):
    """Adding a line to services/registry.py is all Kubernetes needs (service_desk has 9106)."""
    desk = registry.Service("service_desk", "services.service_desk.service:ServiceDeskService", 9106)
    monkeypatch.setattr(registry, "SERVICES", registry.SERVICES + (desk,))
    renderers = k8s_manifests.renderers()
    documents = list(yaml.safe_load_all(renderers["deploy/k8s/base/services/service_desk.yaml"]()))
    assert [d["metadata"]["name"] for d in documents] == ["service-desk", "service-desk-metrics"] + [
        "service-desk"] * 3
    assert "services/service_desk.yaml" in renderers["deploy/k8s/base/kustomization.yaml"]()
    databases = list(yaml.safe_load_all(renderers["deploy/k8s/base/postgres.yaml"]()))
    assert {"name": "service_desk", "owner": "crm", "cluster": {"name": "crm-pg"}} in [
        d["spec"] for d in databases]
    assert "SERVICE_DESK_DATABASE_URL" in renderers["deploy/k8s/base/migrate.yaml"]()
    assert "name: service-desk\n" in renderers["deploy/k8s/overlays/large/sizes.yaml"]()


def test_hand_written_objects_agree_with_the_sizes():
    config = yaml.safe_load((K8S / "base" / "config.yaml").read_text())["data"]
    assert int(config["DB_POOL_SIZE"]) + int(config["DB_MAX_OVERFLOW"]) == POOL_PER_PROCESS
    assert POOL_PER_PROCESS >= int(config["MAX_WORKERS"])
    rabbitmq = yaml.safe_load_all((K8S / "base" / "rabbitmq.yaml").read_text())
    cluster = next(d for d in rabbitmq if d["kind"] == "RabbitmqCluster")["spec"]
    assert cluster["replicas"] == SIZES["base"].rabbitmq_replicas == 3
    assert re.search(r"^cluster_partition_handling = pause_minority$",
                     cluster["rabbitmq"]["additionalConfig"], re.MULTILINE)
    assert "rabbitmq_prometheus" in cluster["rabbitmq"]["additionalPlugins"]


def test_the_readme_names_every_secret_key():
    readme = (registry.ROOT / "README.md").read_text()
    section = readme[readme.index("### Kubernetes"):]
    assert [key for key in sorted(SECRET_KEYS) if f"{key}=" not in section] == []


def test_the_alerts_and_recording_rules_ship_as_prometheus_rules(rendered):
    shipped = by_kind(rendered["large"], "PrometheusRule")
    rules = {name: doc["spec"]["groups"] for name, doc in shipped.items()}
    files = sorted((registry.ROOT / "deploy" / "prometheus").glob("*.rules.yml"))
    assert rules == {f"crm-{path.name.removesuffix('.rules.yml')}": yaml.safe_load(path.read_text())["groups"]
                     for path in files}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_mail_secrets_and_public_links_are_set_where_they_are_read(rendered, overlay):
    """Every service that mails gets the SMTP settings, and every secret, key and public base
    URL its settings read is set on its Deployment (from crm-secrets) or in crm-config — the ones
    with a dev default in the code required, so that no pod signs links with it."""
    config = by_kind(rendered[overlay], "ConfigMap")["crm-config"]["data"]
    assert {s.name for s in mailers()} >= {"marketing", "service_desk", "reporting"}
    for service in mailers():
        names, dev_defaults = secrets_and_links(service)
        env = {e["name"]: e for e in _deployment(rendered[overlay], service.name.replace("_", "-"))["env"]}
        assert sorted((SMTP_SETTINGS | names) - set(env) - set(config)) == [], service.name
        refs = {name: field(env.get(name, {}), "valueFrom.secretKeyRef") or {} for name in dev_defaults}
        assert [name for name, ref in refs.items()
                if ref.get("name") != "crm-secrets" or ref.get("optional")] == [], service.name
    assert {"SERVICE_DESK_SURVEY_SECRET", "MARKETING_TRACKING_SECRET", "MARKETING_FORM_SENDER_KEY",
            "SERVICE_DESK_SURVEY_BASE_URL", "MARKETING_TRACKING_BASE_URL"} <= set().union(
        *(secrets_and_links(s)[0] for s in mailers()))
    assert all(config[url].startswith("https://") for url in config if url.endswith("_BASE_URL"))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_queues_are_quorum_queues(rendered, overlay):
    """The setting every service shares; the 3-node RabbitmqCluster of the base and `large`
    replicates them, `small`'s one node keeps them as one-member quorum queues."""
    assert by_kind(rendered[overlay], "ConfigMap")["crm-config"]["data"]["QUEUE_TYPE"] == "quorum"
    assert all("QUEUE_TYPE" not in {e["name"] for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}
               for d in by_kind(rendered[overlay], "Deployment").values())
