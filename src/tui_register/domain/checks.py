"""What a data check (核查, a visit of purpose `data_check`) found for each person checked.

Each person gets one outcome: confirmed (情况属实), details changed (信息变更), or closed (清理退出)
with the reason: death, moved away, income above the line, other. Only a closure has a reason;
"other" says what in its notes. The input and snapshot models call `outcome_reason`.
"""

from __future__ import annotations

from tui_register.domain.errors import FieldError

CHECK_OUTCOMES = ("confirmed", "changed", "closed")
CLOSE_REASONS = ("deceased", "moved_away", "income_above_line", "other")
CHECK_PURPOSE = "data_check"


def outcome_reason(outcome: str, reason: str, notes: str) -> None:
    """A closure names its reason (and "other" says what); the other outcomes have none."""
    if outcome == "closed" and not reason:
        raise FieldError("reason", "required")
    if outcome != "closed" and reason:
        raise FieldError("reason", "reason_only_for_closed")
    if reason == "other" and not notes:
        raise FieldError("notes", "required")
