"""customers' copy of identity's users (services/kernel/users_copy.py), in its own database."""
from services.customers.models import UserCopy
from services.kernel.users_copy import UsersCopy

users = UsersCopy(UserCopy)
apply_user_event = users.apply_user_event
team_member_ids = users.team_member_ids
active_reps = users.active_reps
may_be_stale = users.may_be_stale
