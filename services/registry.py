"""The one list of the system's services. Everything that names every service reads it:

- at run time: migrate (`python -m services.chassis.migrate upgrade`), each service's default
  metrics port (services/chassis/settings.py), the gateway's readiness check, `make run`
  (scripts/run.sh asks `python -m services.registry ports`), the e2e system and the bench;
- generated from it (`python -m services.registry generate`, output committed): deploy/supervisord.conf,
  deploy/prometheus.yml, deploy/postgres-init.sql, the Kubernetes objects in deploy/k8s;
- checked against it by tests/unit/test_registry.py: those generated files, docker-compose.yml
  and the Dockerfile's EXPOSE line.

Adding a service = one line here, `python -m services.registry generate`, and its blocks in
docker-compose.yml (the test says which are missing). Pure data: importing this module starts
nothing and imports nothing of nameko's.
"""
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATEWAY = "gateway"


@dataclass(frozen=True)
class Service:
    name: str
    target: str                 # `module:Class` for `nameko run` (a bare module would also
                                # offer nameko the ChassisService base it imports)
    metrics_port: int           # its /metrics listener; `<NAME>_METRICS_PORT` overrides it
    has_database: bool = True   # owns a database: migrations, `<NAME>_DATABASE_URL`

    @property
    def metrics_setting(self):
        return f"{self.name.upper()}_METRICS_PORT"

    @property
    def database_setting(self):
        """The environment variable holding its SQLAlchemy URL (None without a database)."""
        return f"{self.name.upper()}_DATABASE_URL" if self.has_database else None

    @property
    def migrations(self):
        """Its alembic script directory, relative to the repository root."""
        return f"services/{self.name}/migrations" if self.has_database else None


# Start order: the services the gateway calls first, the gateway last.
SERVICES = (
    Service("identity", "services.identity.service:IdentityService", 9101),
    Service("customers", "services.customers.service:CustomersService", 9102),
    Service("sales", "services.sales.service:SalesService", 9104),
    Service("reporting", "services.reporting.service:ReportingService", 9103),
    Service("webhooks", "services.webhooks.service:WebhooksService", 9107),
    Service("audit", "services.audit.service:AuditService", 9108),
    Service("marketing", "services.marketing.service:MarketingService", 9105),
    Service("service_desk", "services.service_desk.service:ServiceDeskService", 9106),
    Service("procurement", "services.procurement.service:ProcurementService", 9109),
    Service(GATEWAY, "gateway.service:GatewayService", 9100, has_database=False),
)


def names():
    return tuple(service.name for service in SERVICES)


def get(name):
    for service in SERVICES:
        if service.name == name:
            return service
    raise KeyError(f"{name!r} is not in services/registry.py (known: {', '.join(names())})")


def with_database():
    return tuple(service for service in SERVICES if service.has_database)


def behind_gateway():
    """The services the gateway calls over RPC: each must answer `health` for /ready."""
    return tuple(service for service in SERVICES if service.name != GATEWAY)


def default_metrics_port(name):
    """A listed service's fixed port; 0 (no listener) for anything else."""
    return next((service.metrics_port for service in SERVICES if service.name == name), 0)


def main(argv=None):
    from services import registry_files      # the generators; not needed by the accessors above

    return registry_files.main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
