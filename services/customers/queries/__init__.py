"""Read-side helpers the use cases in handlers/ share (none of them is a use case itself):

- scopes.py: the customers a caller may read or change (record-level scope, inside the query);
- search_filters.py: the tag and free-text list filters as WHERE conditions that stay cheap;
- views.py: a customer as the RPCs answer it and the events carry it.
"""
