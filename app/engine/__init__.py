"""SpiffWorkflow glue: parsing, restricted scripting, serialization, running.

Nothing in this package imports Flask, deals with users or runs SQL.
"""
