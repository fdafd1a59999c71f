"""How long to wait before sending again: the retry policy and the Retry-After header."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for one batch's retries (seconds).

    The run's overall time limit bounds it as well; tests and benchmarks make it short.
    """

    attempts: int = 10
    wait_initial: float = 1.0
    wait_max: float = 60.0
    wait_jitter: float = 1.0


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
