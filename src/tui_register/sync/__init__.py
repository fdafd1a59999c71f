"""The nightly sync of the office's changes to the county's central endpoint (protocol v1,
docs/sync-protocol.md).

The interface and the command line call `tui_register.sync.service` (documented there). The
other modules: `protocol` (wire format), `outbox` (recording batches, leaving the quarantine),
`answers` (recording the centre's answers), `transport` (HTTP with retries), `backoff`,
`lock` (one run per database), `client` (one run), `runs` (summaries), `labels` (naming a
record), `commands` (the `sync` command). Importing this package stays light: httpx and
stamina are loaded when a run starts.
"""
