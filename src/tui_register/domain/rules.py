"""Rules that join several fields of a record, each written once.

The input models (`domain.records`), the snapshot models (`domain.snapshots`), the storage
layer and the demo generator all call these, so a form, an imported row, a record arriving at
the hub and a generated record are held to the same rule with the same message. Each rule
raises `FieldError` (one problem) or `InputError` (several); `Problems` gathers them when a
record has several rules and every problem should be shown at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.ids import ResidentId

DEPARTED = frozenset({"deceased", "moved_out"})  # person states that end their memberships


class Problems:
    """Runs rules and raises every problem they found together, at the end of the block.

        with Problems() as problems:
            problems.check(end_not_before_start, start, end)
            problems.check(period_for_amount, amount, period)
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, rule: Callable[..., Any], *args: Any) -> None:
        try:
            rule(*args)
        except InputError as err:
            self.errors += err.errors
        except FieldError as err:
            self.errors.append(err)

    def add(self, error: FieldError) -> None:
        self.errors.append(error)

    def __enter__(self) -> "Problems":
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        if exc_type is None and self.errors:
            raise InputError(self.errors)


def end_not_before_start(start: date, end: date | None, field: str = "end_date") -> None:
    if end is not None and end < start:
        raise FieldError(field, "end_before_start")


def period_for_amount(amount_fen: int, period: str, field: str = "period") -> None:
    """A membership that pays an amount says how often."""
    if amount_fen > 0 and not period:
        raise FieldError(field, "period_required")


def parent_for_level(level: str, parent: str | None) -> None:
    """Only townships are at the top of the place tree."""
    if parent is None and level != "township":
        raise FieldError("parent", "required")


def follow_up_due(follow_up: str, due: date | None, visit_date: date) -> None:
    """A follow-up needs a due date, and the due date is not before the visit."""
    if follow_up and due is None:
        raise FieldError("follow_up_due", "follow_up_due_required")
    if due is not None and due < visit_date:
        raise FieldError("follow_up_due", "follow_up_before_visit")


def outcome_details(outcome: str, collector: str, cash_fen: int, goods: str) -> None:
    """代领 names who collected; 未遇 (nobody met) hands nothing over."""
    with Problems() as problems:
        if outcome == "proxy" and not collector:
            problems.add(FieldError("collector", "collector_required"))
        if outcome == "not_reached":
            for name, given in (("cash", cash_fen), ("goods", goods)):
                if given:
                    problems.add(FieldError(name, "not_reached_nothing_given"))


def counts_as_visit(status: str, outcome: str) -> bool:
    """A visit counts (人次, households visited, cash, last visit, a campaign's progress) when
    it is valid and someone was met. `storage.models.Visit.counted()` is this rule in SQL."""
    return status == "valid" and outcome != "not_reached"


def agrees_with_id(rid: ResidentId, birth_date: date | None, sex: str) -> None:
    """The birth date and sex given must be the ones the ID number says."""
    with Problems() as problems:
        if birth_date != rid.birth_date:
            problems.add(FieldError("birth_date", "id_birth_mismatch",
                                    {"id_date": rid.birth_date.isoformat()}))
        if sex != rid.sex:
            problems.add(FieldError("sex", "id_sex_mismatch"))


def departure_end(end: date | None, departed_on: date) -> date:
    """The end date a membership takes when its person dies or moves out on `departed_on`:
    one that ended earlier keeps its date."""
    return end if end is not None and end <= departed_on else departed_on


def held_while_present(start: date, end: date | None, person_status: str,
                       departed_on: date | None) -> None:
    """A deceased or moved-out person holds no membership after that date: it must have
    started and ended by then (as `departure_end` ends it)."""
    if person_status not in DEPARTED or departed_on is None:
        return
    if start > departed_on or end is None or end > departed_on:
        raise FieldError("person", "held_after_departure", {"date": departed_on.isoformat()})
