"""The RabbitMQ queues each service consumes, as nameko itself names them.

Read from the service classes of services/registry.py, not from a naming rule copied here: each
entrypoint is bound in a ServiceContainer and its `setup()` builds the kombu Queue nameko
declares at start (`rpc-<service>`; `evt-<source>-<event>--<service>.<method>` for a pooled
event handler, `evt-<source>--<service>.batch` for a batched one). Nothing connects: only the
entrypoints' own setup runs (the QueueConsumer's, which would dial the broker, does not). The
Kubernetes autoscaling (KEDA) watches these queues (services/k8s_manifests.py), so a renamed
queue or a new handler changes what is generated.

Broadcast handlers (the gateway's token revocation: one auto-named queue per process) are not
work queues: their length says nothing about load, so they are left out.
"""
import importlib
import re


# What nameko's entrypoints read from the config while setting up; no connection is made.
_CONFIG = {"AMQP_URI": "memory://", "AUTO_DELETE_EVENT_EXCHANGES": False}


def service_class(service):
    module, _, cls = service.target.partition(":")
    return getattr(importlib.import_module(module), cls)


def queues(service):
    """The sorted names of the work queues `service` consumes (empty: it consumes none)."""
    from nameko.containers import ServiceContainer
    from nameko.events import BROADCAST, EventHandler
    from nameko.rpc import Rpc

    container = ServiceContainer(service_class(service), dict(_CONFIG))
    names = set()
    for entrypoint in container.entrypoints:
        if isinstance(entrypoint, EventHandler):
            if entrypoint.handler_type == BROADCAST:
                continue
            entrypoint.setup()
            names.add(entrypoint.queue.name)
        elif isinstance(entrypoint, Rpc):
            entrypoint.rpc_consumer.setup()
            names.add(entrypoint.rpc_consumer.queue.name)
    return sorted(names)


def pattern(service_name):
    """One anchored regular expression for a service's queues: its RPC queue and its pooled
    event-handler queues. RabbitMQ's management API filters its queues with it (Erlang's PCRE
    `re`, the same meaning as Python's for this pattern) and KEDA sums their backlogs: one HTTP
    call instead of one AMQP connection per queue (42 for audit)."""
    name = re.escape(service_name)
    return f"^(rpc-{name}|evt-.+--{name}\\..+)$"
