"""Who may do what in the service desk (issue 12 §2). `require()` lets admin and the system
through as well. The record scopes are tickets/scopes.py:

- WORK: create, change, answer and merge tickets — agents (their team's queue), support
  managers (every queue);
- MANAGE: routing rules and teams' modes — support managers;
- READ: read tickets — the above, and sales reps and managers read-only (the tickets of the
  customers they can see). Marketers: nothing.
"""
AGENT, SUPPORT_MANAGER = "agent", "support_manager"
WORK = (AGENT, SUPPORT_MANAGER)
MANAGE = (SUPPORT_MANAGER,)
READ = WORK + ("sales_rep", "manager")
# who may be a ticket's assignee
ASSIGNABLE = (AGENT, SUPPORT_MANAGER, "admin")
