"""Tokens, the caller's own user and their API keys (identity)."""
from gateway.routing import ME, Route, field, path
from gateway.settings import API_PREFIX as API

TAG = "auth"

ROUTES = [
    Route("POST", f"{API}/auth/token", "identity", "issue_token",
          args=(field("email"), field("password")), body="json", body_schema="identity:Login",
          public=True, errors=(401,), response_schema="identity:Token", tag=TAG,
          summary="Exchange email and password for a bearer token (JWT)"),
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
