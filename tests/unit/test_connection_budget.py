"""PostgreSQL's connection budget under docker-compose: every process of every service with a
database (services/registry.py) may open DB_POOL_SIZE + DB_MAX_OVERFLOW connections; their sum
over the compose file's services and replicas, plus the spare that migrate, the rebuild /
reconcile commands, psql and the superuser need, must fit under the max_connections the compose
file starts PostgreSQL with — with room for every service at two replicas, as the README says.
The README's figures are recomputed here, so they cannot go stale when a service is added (they
said "five now" when there were nine)."""
import re

import yaml

from services import registry

ROOT = registry.ROOT
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
SPARE = 20              # migrate, rebuild / reconcile, psql, superuser_reserved_connections (3)
SCALED = 2              # the replicas of every service the default max_connections has room for
DEFAULT = re.compile(r"\$\{\w+:-([^}]*)\}")


def resolved(value):
    """A compose value with `${NAME:-default}` read as its default (the shipped configuration)."""
    return DEFAULT.sub(lambda match: match.group(1), str(value))


def per_process(name):
    env = COMPOSE[name]["environment"]
    missing = {"DB_POOL_SIZE", "DB_MAX_OVERFLOW"} - set(env)
    assert not missing, f"{name} has no {missing}: it would use the built-in 10 + 10"
    return int(resolved(env["DB_POOL_SIZE"])) + int(resolved(env["DB_MAX_OVERFLOW"]))


def replicas(name):
    return int((COMPOSE[name].get("deploy") or {}).get("replicas", 1))


def max_connections():
    settings = [resolved(part) for part in COMPOSE["postgres"].get("command", ())
                if "max_connections=" in str(part)]
    assert settings, "docker-compose.yml starts PostgreSQL without -c max_connections=…"
    return int(settings[0].split("max_connections=", 1)[1])


def connections():
    """{service: the connections its processes may open}, over every service with a database."""
    return {service.name: per_process(service.name) * replicas(service.name)
            for service in registry.with_database()}


def test_every_process_fits_under_max_connections_with_every_service_at_two_replicas():
    used = sum(connections().values())
    assert used + SPARE <= max_connections(), (used, SPARE, max_connections())
    scaled = sum(per_process(name) * SCALED for name in connections())
    assert scaled + SPARE <= max_connections(), (scaled, SPARE, max_connections())


def test_a_pool_is_no_larger_than_a_process_can_use():
    """MAX_WORKERS (10 unless set) workers hold one connection each: a bigger pool is budget
    spent on connections never opened."""
    for name in connections():
        workers = int(resolved(COMPOSE[name]["environment"].get("MAX_WORKERS", 10)))
        assert per_process(name) <= workers, name


def test_the_readme_states_the_registrys_figures():
    text = " ".join((ROOT / "README.md").read_text().split())
    count = len(registry.with_database())
    pool = per_process(registry.with_database()[0].name)
    for phrase in (f"the {count} services with a database in `services/registry.py`",
                   f"one replica of each is {count * pool} connections",
                   f"`max_connections={max_connections()}`",
                   f"({count} × {SCALED} × {pool} + {SPARE} = {count * SCALED * pool + SPARE})",
                   f"every service to three does not ({count * 3 * pool + SPARE})",
                   f"the built-in 10 + 10 is {count * 20} for one replica of each"):
        assert phrase in text, f"README, PostgreSQL connections: {phrase!r} expected"
