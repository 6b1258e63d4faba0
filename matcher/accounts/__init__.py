"""Accounts, chain task-force roles and the audit trail (issue 17), in the 台账's database.

- users.py   add_user, list_users, disable_user, reset_password, authenticate (Argon2, lock-out)
- access.py  Principal (who is asking) and the scoped reads / checked writes: leads, runs, exports
- audit.py   the append-only audit trail: record, list_audit, export_audit

A layer above `matcher.store` and below `matcher.session`: the store's own functions stay unscoped
(the CLI run by whoever holds the database file); every multi-user read and write goes through access.py.
"""
