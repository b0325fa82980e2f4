"""How big each Kubernetes overlay runs (deploy/k8s/overlays/<size>; base = the default shape).

One row per size: pods per service (the autoscalers' bounds), each pod's requests and memory limit
(no CPU limit: throttling a nameko hub stalls every worker in it, and a request already reserves
its share), and the RabbitMQ / PostgreSQL clusters. PostgreSQL's max_connections follows from
the rest: every process may open DB_POOL_SIZE + DB_MAX_OVERFLOW connections (deploy/k8s/base/
config.yaml), every service may run max_replicas processes, and the migrate Job and superuser
need a few more.
"""
from dataclasses import dataclass

from services import registry

POOL_PER_PROCESS = 10           # config.yaml: DB_POOL_SIZE 5 + DB_MAX_OVERFLOW 5 (≥ max_workers' 10)
SPARE_CONNECTIONS = 20          # migrate, psql, CloudNativePG's own (superuser_reserved is 3)


@dataclass(frozen=True)
class Size:
    min_replicas: int
    max_replicas: int
    cpu: str
    memory: str
    memory_limit: str
    rabbitmq_replicas: int
    postgres_instances: int
    postgres_storage: str


SIZES = {
    # The base: a replicated broker (3 nodes, pause_minority) and a primary with one standby.
    "base": Size(2, 4, "100m", "256Mi", "512Mi", 3, 2, "10Gi"),
    # One of everything: to try it out on a laptop cluster (kind, minikube, k3s).
    "small": Size(1, 2, "50m", "192Mi", "384Mi", 1, 1, "5Gi"),
    # Production-sized: three of each service at least, up to ten under a queue backlog.
    "large": Size(3, 10, "250m", "384Mi", "1Gi", 3, 3, "50Gi"),
}


def resources(size):
    return {"requests": {"cpu": size.cpu, "memory": size.memory}, "limits": {"memory": size.memory_limit}}


def max_connections(size):
    return len(registry.with_database()) * size.max_replicas * POOL_PER_PROCESS + SPARE_CONNECTIONS
