"""The gateway's own knobs, read from the environment when the service starts.

Shared knobs (RPC_TIMEOUT_SECONDS, JWT_*, GATEWAY_METRICS_PORT) live in services/chassis/settings.py.
The HTTP bind address is nameko's WEB_SERVER_ADDRESS config key (default 0.0.0.0:8000).
"""
from dataclasses import dataclass, field

from services.chassis import settings as chassis_settings
from services.chassis.settings import env

API_PREFIX = "/api/v1"


def _csv(value):
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@dataclass(frozen=True)
class GatewaySettings:
    max_body_bytes: int = 1024 * 1024
    import_max_bytes: int = 512 * 1024 * 1024
    rate_per_minute: float = 600.0
    rate_burst: int = 100
    rate_limit_storage_url: str = "memory://"
    api_key_cache_seconds: float = 5.0
    token_state_cache_seconds: float = 30.0
    ready_timeout: float = 2.0
    customer_360_part_timeout: float = 2.0     # one part of GET /customers/{id}/360
    cors_origins: tuple = field(default_factory=tuple)
    cors_max_age: int = 600
    trusted_proxy_hops: int = 0

    @classmethod
    def from_env(cls):
        return cls(
            max_body_bytes=env.int("MAX_BODY_BYTES", 1024 * 1024),
            import_max_bytes=chassis_settings.import_max_bytes(),
            rate_per_minute=env.float("RATE_LIMIT_PER_MINUTE", 600),
            rate_burst=env.int("RATE_LIMIT_BURST", 100),
            rate_limit_storage_url=env.str("RATE_LIMIT_STORAGE_URL", "memory://"),
            api_key_cache_seconds=env.float("API_KEY_CACHE_SECONDS", 5),
            token_state_cache_seconds=env.float("TOKEN_STATE_CACHE_SECONDS", 30),
            ready_timeout=env.float("READY_TIMEOUT_SECONDS", 2),
            customer_360_part_timeout=env.float("CUSTOMER_360_PART_TIMEOUT_SECONDS", 2),
            cors_origins=_csv(env.str("CORS_ORIGINS", "")),
            cors_max_age=env.int("CORS_MAX_AGE_SECONDS", 600),
            trusted_proxy_hops=env.int("TRUSTED_PROXY_HOPS", 0),
        )
