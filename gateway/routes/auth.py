"""Tokens, the caller's own user and their API keys (identity)."""
from gateway.pipeline import client_ip
from gateway.routing import ME, Route, field, path
from gateway.settings import API_PREFIX as API

TAG = "auth"


def issue_token(gateway, request, call):
    """identity counts failed logins per account and per client address: it is told the
    address (behind TRUSTED_PROXY_HOPS proxies, the one they recorded)."""
    address = client_ip(request, gateway.runtime.settings.trusted_proxy_hops)
    return 200, gateway.services.call("identity", "issue_token", call.body["email"],
                                      call.body["password"], client_ip=address)


def logout(gateway, request, call):
    """identity publishes the new token version to every replica; this one learns it from the
    answer too, so the very next request here is refused without waiting for the event."""
    state = gateway.services.call("identity", "logout")
    gateway.runtime.token_states.learn(state["user_id"], state["token_version"], state["active"])
    return 204, None


ROUTES = [
    Route("POST", f"{API}/auth/token", "identity", handler=issue_token,
          body="json", body_schema="identity:Login",
          public=True, errors=(401,), response_schema="identity:Token", tag=TAG,
          summary="Exchange email and password for a bearer token (JWT). Too many failed "
                  "attempts for an account or from an address: 429 `login_throttled` with "
                  "Retry-After until the lock is over"),
    Route("POST", f"{API}/auth/logout", "identity", handler=logout, status=204, produces="none",
          tag=TAG, summary="Sign out everywhere: every token of the caller stops working "
                           "(401 `token_revoked`); sign in again for a new one"),
    Route("GET", f"{API}/me", "identity", "get_user", args=(ME,), operation_id="get_me",
          response_schema="identity:User", tag=TAG, summary="The authenticated user"),
    Route("GET", f"{API}/api-keys", "identity", "list_api_keys",
          response_schema="identity:ApiKey", response_many=True, tag=TAG,
          summary="Your API keys (admin: all keys); the secrets are never shown again"),
    Route("POST", f"{API}/api-keys", "identity", "create_api_key", args=(field("name"),),
          body="json", body_schema="identity:ApiKeyCreate", status=201,
          response_schema="identity:ApiKeyCreated", tag=TAG,
          summary="Create an API key for yourself; the key is in this response only"),
    Route("DELETE", f"{API}/api-keys/{{key_id}}", "identity", "revoke_api_key",
          args=(path("key_id"),), status=204, produces="none", tag=TAG,
          summary="Revoke an API key"),
]
