"""Who may do what in marketing (issue 11 §10). `require()` lets admin and the system through
as well; record scopes do not apply: the audience is the whole customer base, and marketers
read every record (services/chassis/auth.py READ_ALL_ROLES).

- MANAGE: create and change segments, campaigns (their status and costs) and email templates,
  set consent, send test mails; define, enable and read automation rules and their runs
  (managers do not read rules: they are configuration, not reports);
- FROM_GROUP: make a static list of a customer group (reporting's clusters) — managers too:
  they read the groups report, and the list holds only their own customers' contacts;
- READ: read the audience, consent, segments and their members, campaigns, their audience
  counts and costs, templates and their previews (managers read, reps do not).
"""
MANAGE = ("marketer",)
FROM_GROUP = ("marketer", "manager")
READ = ("marketer", "manager")
