"""Who may do what in the service desk (issue 12 §2). `require()` lets admin and the system
through as well. The record scopes are tickets/scopes.py:

- WORK: create, change, answer and merge tickets — agents (their team's queue), support
  managers (every queue);
- MANAGE: routing rules and teams' modes — support managers;
- READ: read tickets — the above, and sales reps and managers read-only (the tickets of the
  customers they can see). Marketers: nothing;
- KB_WRITE / KB_READ: the knowledge base — agents and support managers write (and see drafts);
  they and sales reps read published articles.
"""
AGENT, SUPPORT_MANAGER = "agent", "support_manager"
WORK = (AGENT, SUPPORT_MANAGER)
MANAGE = (SUPPORT_MANAGER,)
READ = WORK + ("sales_rep", "manager")
# the knowledge base (knowledge/): writers see drafts; readers see published articles
KB_WRITE = WORK
KB_READ = WORK + ("sales_rep",)
# who may be a ticket's assignee
ASSIGNABLE = (AGENT, SUPPORT_MANAGER, "admin")
