"""What the Payments section asks of storage and of the report layer: the rounds, a round's
lines, creating and checking a round, approving, results, closing, and the two workbooks; a
household's accounts (entered at its screen) and the standards.

A round is named here by its number (rounds are numbered 1, 2, 3 … and never deleted), as the
command line names it; each call finds it again on the calling thread's own connection.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from tui_register.storage import payment_queries
from tui_register.storage.payment_queries import LineRow, RoundRow
from tui_register.ui.services.calls import db_call, later

_PAYMENTS = "tui_register.storage.payments"
create_round = later(_PAYMENTS, "create_round")
exclude_line = later(_PAYMENTS, "exclude_line")
include_line = later(_PAYMENTS, "include_line")
change_amount = later(_PAYMENTS, "change_amount")
mark_paid = later(_PAYMENTS, "mark_paid")
mark_failed = later(_PAYMENTS, "mark_failed")
close_round = later(_PAYMENTS, "close_round")
add_account = later(_PAYMENTS, "add_account")
add_standard = later(_PAYMENTS, "add_standard")
accounts = db_call(payment_queries.household_accounts)
standard_page = db_call(payment_queries.standard_page)


def _find(number: int):
    from tui_register.storage.payments import find_round

    return find_round(number)


def _round_or_none(number: int) -> RoundRow | None:
    from tui_register.storage.core import RuleViolation

    try:
        return payment_queries.round_row(_find(number))
    except RuleViolation:  # no such number (none yet, or past the newest)
        return None


@db_call
def round_info(number: int) -> RoundRow:
    return payment_queries.round_row(_find(number))


@db_call
def round_page(*, after: int | None = None, before: int | None = None, last: bool = False,
               limit: int = 20) -> list[RoundRow]:
    """Rounds newest first, one page, by number: after (older than) or before (newer than) a
    round's number, or the oldest page. Only the rounds of the page have their totals read."""
    if after is None and before is None and not last:
        return payment_queries.rounds(limit=limit)
    newest = payment_queries.rounds(limit=1)
    if not newest:
        return []
    top = newest[0].number
    if last:
        numbers = range(min(limit, top), 0, -1)
    elif after is not None:
        numbers = range(after - 1, max(0, after - 1 - limit), -1)
    else:
        numbers = range(min(top, before + limit), before, -1)
    return [row for row in map(_round_or_none, numbers) if row is not None]


@db_call
def line_page(number: int, search: str = "", *, after: tuple[str, int] | None = None,
              limit: int = 20) -> list[LineRow]:
    """A page of a round's lines by recipient (pinyin initials, then entry), after a line's key."""
    return payment_queries.round_lines(_find(number), after=after, limit=limit, search=search)


@db_call
def approve_round(user: str, number: int, *, single_supervisor: bool = False):
    from tui_register.storage.payments import approve_round as approve

    return approve(user, number, single_supervisor=single_supervisor)


@db_call
def export_round(number: int, settings, user: str, progress: Callable[[int, int], None]):
    """The bank file and the roster, into the export folder (the Reports section's)."""
    from tui_register.reports.payments import export_round as export

    return export(_find(number), settings, user, on_progress=progress)


@db_call
def apply_results(number: int, path: Path, user: str, paid_on: date, *, dry_run: bool):
    """The bank's result workbook checked (and, unless `dry_run`, applied all or nothing)."""
    from tui_register.reports.payment_results import apply_results as apply

    return apply(_find(number), path, user, paid_on, dry_run=dry_run)
