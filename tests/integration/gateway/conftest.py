"""The gateway in a real container on a free port, with fake identity/customers on RabbitMQ."""
import pytest

from gateway.service import GatewayService
from tests.integration.gateway import fakes
from tests.integration.gateway.fakes import (FakeAudit, FakeCustomers, FakeIdentity, FakeMarketing,
                                            FakeProcurement, FakeReporting, FakeSales,
                                            FakeServiceDesk, FakeWebhooks)
from tests.integration.gateway.support import Client
from tests.helpers import free_port


@pytest.fixture
def start_gateway(container_factory, rabbit_config, monkeypatch):
    """start_gateway(env={...}, services=(FakeIdentity, FakeCustomers, ...)) → Client."""
    fakes.reset()

    def start(env=None, services=(FakeIdentity, FakeCustomers, FakeSales, FakeReporting,
                                   FakeWebhooks, FakeAudit, FakeMarketing, FakeServiceDesk,
                                   FakeProcurement)):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, str(value))
        for service in services:
            container_factory(service, rabbit_config).start()
        port = free_port()
        config = dict(rabbit_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}")
        container_factory(GatewayService, config).start()
        return Client(f"http://127.0.0.1:{port}")

    yield start
    fakes.release_slow_calls()


@pytest.fixture
def client(start_gateway):
    return start_gateway()
