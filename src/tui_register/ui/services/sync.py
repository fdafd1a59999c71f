"""What the Sync section and the header ask of the sync layer (imported on first call: the
header's count must not slow the start)."""

from __future__ import annotations

from tui_register.ui.services.calls import later

_SERVICE = "tui_register.sync.service"
pending_count = later(_SERVICE, "pending_count")
pending_by_entity = later(_SERVICE, "pending_by_entity")
recent_runs = later(_SERVICE, "recent_runs")
quarantine = later(_SERVICE, "quarantine")
run_sync = later(_SERVICE, "run_sync")
dismiss = later(_SERVICE, "dismiss")
