"""The service desk's own settings, one function each, read when called (not at import), so a
changed environment — or a test — takes effect. The README's configuration table lists them."""
from services.chassis.settings import env


def customers_refresh_timeout():
    """Seconds a ticket's creation waits for customers' event log when the customer (or its
    contact) is not in the service desk's copy yet — created a moment ago, its event still on
    the way; past it the creation is refused (422) as for an unknown customer."""
    return env.float("SERVICE_DESK_CUSTOMERS_REFRESH_TIMEOUT_SECONDS", 3.0)

