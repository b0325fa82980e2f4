"""Every domain service answers RPCs through the chassis's entrypoint (replies without
confirms, services/chassis/rpc.py), never nameko's own `rpc` with its confirm per reply."""
import pytest
from nameko.rpc import Rpc

from services.chassis.rpc import ServiceRpcEntrypoint
from services.customers.service import CustomersService
from services.identity.service import IdentityService
from services.reporting.service import ReportingService
from services.sales.service import SalesService


@pytest.mark.parametrize("service", [CustomersService, IdentityService, ReportingService,
                                     SalesService])
def test_every_rpc_entrypoint_is_the_chassis_one(service):
    entrypoints = [(name, entrypoint) for name in dir(service)
                   for entrypoint in getattr(getattr(service, name), "nameko_entrypoints", ())
                   if isinstance(entrypoint, Rpc)]
    assert len(entrypoints) > 3
    assert [name for name, entrypoint in entrypoints
            if not isinstance(entrypoint, ServiceRpcEntrypoint)] == []
