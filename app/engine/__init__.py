"""SpiffWorkflow glue: parsing, restricted scripting, serialization, running.

Nothing in this package imports Flask, knows about users or runs SQL.
"""
