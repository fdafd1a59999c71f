"""Writes of data-check outcomes: what a 核查 visit found for each person, and the closures it made.

One outcome per person and visit. A closure (清理退出) ends the case in the same transaction and
names the outcome on every membership it ends (`Membership.closed_by_check`): death and moving
away mark the person deceased or moved out (as the member-status form does); income above the
line and other reasons end the person's own memberships and, for the household's head, the
household's memberships, on the visit's date.
"""

from __future__ import annotations

from tui_register.domain.categories import label
from tui_register.domain.checks import CHECK_PURPOSE
from tui_register.domain.records import CheckOutcomeIn, StatusChange
from tui_register.storage.core import RuleViolation, Writer, writing
from tui_register.storage.households import person_status, refresh_household
from tui_register.storage.models import CheckOutcome, Membership, Person, Visit

DEPARTURES = {"deceased": "deceased", "moved_away": "moved_out"}


def record_check_outcome(user: str, data: CheckOutcomeIn) -> CheckOutcome:
    with writing(user) as w:
        visit = w.load(Visit, data.visit)
        person = w.load(Person, data.person)
        if visit.purpose != CHECK_PURPOSE or visit.status != "valid" or visit.outcome == "not_reached":
            raise RuleViolation("storage.not_a_data_check")
        if person.household_id != visit.household_id:
            raise RuleViolation("storage.not_member", name=person.name)
        if CheckOutcome.select().where((CheckOutcome.visit == visit) & (CheckOutcome.person == person)
                                       & (CheckOutcome.status == "valid")).exists():
            raise RuleViolation("storage.check_outcome_exists", name=person.name)
        outcome = w.create(CheckOutcome, visit=visit, person=person, household=visit.household,
                           outcome=data.outcome, reason=data.reason, notes=data.notes)
        if data.outcome == "closed":
            _close(w, visit, person, outcome)
        refresh_household(visit.household)
        return outcome


def _close(w: Writer, visit: Visit, person: Person, outcome: CheckOutcome) -> None:
    reason = label("close_reason", outcome.reason) + (f" {outcome.notes}" if outcome.notes else "")
    if outcome.reason in DEPARTURES:
        change = StatusChange.model_construct(status=DEPARTURES[outcome.reason], reason=reason,
                                              effective_date=visit.visit_date)
        person_status(w, person.uuid, None, change, closed_by_check=outcome.uuid)
        return
    held = Membership.person == person
    if visit.household.head_id == person.id:
        held |= (Membership.household == visit.household) & Membership.person.is_null()
    for m in Membership.select().where(held & (Membership.status == "active")):
        end = m.end_date if m.end_date is not None and m.end_date <= visit.visit_date else visit.visit_date
        if end < m.start_date:
            raise RuleViolation("storage.end_before_start")
        w.update(Membership, m.uuid, None, op="status", status="ended", end_date=end, status_reason=reason,
                 closed_by_check=outcome.uuid)
