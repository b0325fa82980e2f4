"""Users and teams (identity). Admin-only writes are refused here early; identity enforces
every rule again (and the finer ones, e.g. managers reading their team)."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "users"
ADMIN = ("admin",)

ROUTES = [
    Route("GET", f"{API}/users", "identity", "list_users", args=(QUERY,),
          query="identity:UserQuery",
          response_schema="identity:User", response_page=True, tag=TAG,
          summary="List users (admin, manager)"),
    Route("POST", f"{API}/users", "identity", "create_user", args=(BODY,), body="json",
          roles=ADMIN, status=201, location=f"{API}/users/{{id}}",
          request_schema="identity:UserCreate", response_schema="identity:User", tag=TAG,
          summary="Create a user (admin)"),
    Route("GET", f"{API}/users/{{user_id}}", "identity", "get_user", args=(path("user_id"),),
          response_schema="identity:User", tag=TAG, summary="A user (self, manager's team, admin)"),
    Route("PATCH", f"{API}/users/{{user_id}}", "identity", "update_user",
          args=(path("user_id"), BODY), body="json", roles=ADMIN,
          request_schema="identity:UserUpdate", response_schema="identity:User", tag=TAG,
          summary="Change a user; partial (admin)"),
    Route("POST", f"{API}/users/{{user_id}}/deactivate", "identity", "deactivate_user",
          args=(path("user_id"),), roles=ADMIN, response_schema="identity:User", tag=TAG,
          summary="Deactivate a user (admin)"),
    Route("GET", f"{API}/teams", "identity", "list_teams", response_schema="identity:Team",
          response_many=True, tag=TAG, summary="List teams"),
    Route("POST", f"{API}/teams", "identity", "create_team", args=(BODY,), body="json",
          roles=ADMIN, status=201, request_schema="identity:TeamCreate",
          response_schema="identity:Team", tag=TAG, summary="Create a team (admin)"),
]
