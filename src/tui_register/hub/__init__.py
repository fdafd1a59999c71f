"""The reference central endpoint (`tui-register hub`): a real HTTP server implementing the
sync protocol (docs/sync-protocol.md) for offices and tests to talk to.

Modules: `models` (tables, own database proxy), `db` (opening SQLite or a database URL),
`offices` (offices and token hashes), `batches` (applying a batch, figures), `app` (Starlette
routes), `figures` and `report` (the county's workbook); the commands are in `cli/hub.py`.
"""
