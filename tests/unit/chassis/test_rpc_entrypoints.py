"""Every domain service answers RPCs through the chassis's entrypoint (replies without
confirms, services/chassis/rpc.py; quorum-ready queue declaration, services/chassis/queues.py),
never nameko's own `rpc` with its confirm per reply and its classic queue."""
import importlib

import pytest
from nameko.rpc import Rpc

from services import registry
from services.chassis.rpc import ServiceRpcEntrypoint


def service_class(service):
    module, name = service.target.split(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("service", registry.behind_gateway(), ids=lambda service: service.name)
def test_every_rpc_entrypoint_is_the_chassis_one(service):
    cls = service_class(service)
    entrypoints = [(name, entrypoint) for name in dir(cls)
                   for entrypoint in getattr(getattr(cls, name), "nameko_entrypoints", ())
                   if isinstance(entrypoint, Rpc)]
    assert entrypoints, f"{service.name} answers no RPC (health at least)"
    assert [name for name, entrypoint in entrypoints
            if not isinstance(entrypoint, ServiceRpcEntrypoint)] == []
