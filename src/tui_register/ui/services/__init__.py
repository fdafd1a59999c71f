"""The interface's door to the layers below: one module per section (`households`, `visits`,
`volunteers`, `reports`, `sync`) plus `staff`, all built on `calls.db_call`."""
