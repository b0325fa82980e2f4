"""services/registry.py is the one list of services: what is generated from it is committed
unchanged, what is hand-written (docker-compose.yml, the Dockerfile) agrees with it, and what
reads it at run time (settings, migrate, the gateway's readiness, the e2e system) does."""
import importlib
import shutil

import pytest

from services import registry, registry_files
from services.chassis import migrate, settings

COMPOSE = (registry.ROOT / "docker-compose.yml").read_text()


@pytest.mark.parametrize("path", sorted(registry_files.GENERATED))
def test_generated_files_are_what_the_registry_renders(path):
    committed = (registry.ROOT / path).read_text()
    assert committed == registry_files.GENERATED[path](), (
        f"{path} drifted from services/registry.py: run `python -m services.registry generate`")


def test_a_drifted_generated_file_is_named(tmp_path):
    for path in registry_files.GENERATED:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(registry.ROOT / path, tmp_path / path)
    assert registry_files.generated_drift(tmp_path) == []
    conf = tmp_path / "deploy" / "supervisord.conf"
    conf.write_text(conf.read_text().replace("SalesService", "SalesServce"))
    assert registry_files.generated_drift(tmp_path) == ["deploy/supervisord.conf"]


def test_every_generated_file_lists_every_service():
    conf = registry_files.supervisord_conf()
    assert all(f"[program:{s.name}]\ncommand=nameko run --config config.yml {s.target}\n" in conf
               for s in registry.SERVICES)
    assert f"programs={','.join(registry.names())}\n" in conf
    assert all(f"port: {s.metrics_port}\n" in registry_files.prometheus() for s in registry.SERVICES)
    assert registry_files.postgres_init().count("CREATE DATABASE") == len(registry.with_database())


def test_docker_compose_agrees_with_the_registry():
    assert registry_files.compose_problems(COMPOSE) == []


@pytest.mark.parametrize("edit, problem", [
    (('SALES_METRICS_PORT: "9104"', 'SALES_METRICS_PORT: "9105"'), "sales: SALES_METRICS_PORT is not 9104"),
    (("services.sales.service:SalesService", "services.sales.service"), "sales: command is not"),
    (("SALES_DATABASE_URL: *sales-db\n      SALES_METRICS", "SALES_METRICS"), "sales: database settings"),
    (("postgres:5432/sales", "postgres:5432/customers"), "sales: SALES_DATABASE_URL is not the `sales`"),
    (("  reporting:\n    <<: *service", "  reports:\n    <<: *service"), "reports: in docker-compose.yml"),
    (("migrate upgrade &&", "migrate upgrade identity &&"), "migrate: should run"),
    (("      - reporting\n\n  # The dashboards", "\n  # The dashboards"),
     "prometheus: does not depend on reporting"),
])
def test_a_compose_block_that_disagrees_is_named(edit, problem):
    old, new = edit
    assert old in COMPOSE
    found = registry_files.compose_problems(COMPOSE.replace(old, new, 1))
    assert any(line.startswith(problem) for line in found), found


def test_supervisord_restarts_each_service_and_shows_its_output(tmp_path):
    """What `make run` relies on: supervisord's own parser reads the generated file, every
    service restarts when it dies, and its output reaches the terminal listener."""
    from supervisor.datatypes import RestartUnconditionally
    from supervisor.options import ServerOptions

    options = ServerOptions()
    options.configfile = str(registry.ROOT / "deploy" / "supervisord.conf")
    (tmp_path / "log").mkdir()
    options.environ_expansions = {"ENV_CRM_DATA_DIR": str(tmp_path)}
    options.process_config(do_usage=False)
    groups = {group.name: group for group in options.process_group_configs}
    services = {p.name: p for p in groups[registry_files.GROUP].process_configs}
    assert list(services) == list(registry.names())
    for process in services.values():
        assert process.autorestart is RestartUnconditionally and process.stdout_events_enabled
        assert process.startsecs == registry_files.STARTSECS
        assert process.startretries == registry_files.STARTRETRIES
    from supervisor.events import ProcessLogEvent

    assert groups["terminal"].pool_events == [ProcessLogEvent]


def test_the_image_exposes_every_port():
    dockerfile = (registry.ROOT / "deploy" / "Dockerfile").read_text()
    assert registry_files.dockerfile_problems(dockerfile) == []
    assert registry_files.dockerfile_problems(dockerfile.replace(" 9104", "")) != []


def test_the_registry_is_consistent():
    assert len(set(registry.names())) == len(registry.SERVICES)
    assert len({s.metrics_port for s in registry.SERVICES}) == len(registry.SERVICES)
    assert [s.name for s in registry.SERVICES if not s.has_database] == [registry.GATEWAY]
    for service in registry.with_database():
        assert (registry.ROOT / service.migrations / "env.py").is_file(), service.name


@pytest.mark.parametrize("service", registry.SERVICES, ids=registry.names())
def test_each_target_is_the_nameko_service_of_that_name(service):
    module, _, cls = service.target.partition(":")
    assert getattr(importlib.import_module(module), cls).name == service.name


def test_settings_read_the_registry(monkeypatch, tmp_path):
    for service in registry.SERVICES:
        monkeypatch.delenv(service.metrics_setting, raising=False)
        assert settings.metrics_port(service.name) == service.metrics_port
    assert settings.metrics_port("not_a_service") == 0
    monkeypatch.setenv("SALES_METRICS_PORT", "19104")
    assert settings.metrics_port("sales") == 19104
    for service in registry.with_database():
        monkeypatch.setenv(service.database_setting, f"sqlite:///{tmp_path}/{service.name}-x.db")
        assert settings.database_url(service.name).endswith(f"{service.name}-x.db")


def test_ports_command_prints_what_the_services_bind(monkeypatch, capsys):
    for service in registry.SERVICES:
        monkeypatch.delenv(service.metrics_setting, raising=False)
    monkeypatch.setenv("CUSTOMERS_METRICS_PORT", "0")
    assert registry.main(["ports"]) == 0
    printed = dict(line.split() for line in capsys.readouterr().out.splitlines())
    assert printed == {s.name: "0" if s.name == "customers" else str(s.metrics_port)
                       for s in registry.SERVICES}


def test_migrate_knows_each_database_and_refuses_the_gateway():
    for service in registry.with_database():
        location = migrate.alembic_config(service.name, "sqlite://").get_main_option("script_location")
        assert location == str(registry.ROOT / service.migrations)
    with pytest.raises(ValueError):
        migrate.alembic_config(registry.GATEWAY, "sqlite://")


def test_readiness_and_the_e2e_system_read_the_registry():
    from gateway.routes.ops import READY_SERVICES
    from tests.e2e.system import DATABASES, MODULES

    assert READY_SERVICES == tuple(s.name for s in registry.SERVICES if s.name != registry.GATEWAY)
    assert MODULES == {s.name: s.target for s in registry.SERVICES}
    assert DATABASES == tuple(s.name for s in registry.SERVICES if s.has_database)
