"""Writes to the visit log (走访慰问): visits, voiding, follow-ups, campaigns."""

from __future__ import annotations

from datetime import date

from tui_register.domain.fields import fen_to_yuan, format_money
from tui_register.domain.records import CampaignIn, VisitIn, validate
from tui_register.storage.core import RuleViolation, Writer, writing
from tui_register.storage.households import refresh_household
from tui_register.storage.models import Campaign, CampaignTarget, Household, Visit

VISITOR_SEPARATOR = "、"


def _visit_fields(data: VisitIn) -> dict:
    return dict(visit_date=data.visit_date, visitors=VISITOR_SEPARATOR.join(data.visitors),
                purpose=data.purpose, cash_fen=data.cash, goods=data.goods, findings=data.findings,
                follow_up=data.follow_up, follow_up_due=data.follow_up_due, outcome=data.outcome,
                collector=data.collector)


def _check_once_per_campaign(household: Household, campaign: Campaign | None, outcome: str,
                             editing: Visit | None = None) -> None:
    """One visit that counts per household and campaign, whatever path writes it (form, one
    key, import): a second would pay the campaign's money twice. Not reached (未遇) is an
    attempt and may be recorded any number of times before the visit."""
    if campaign is None or outcome == "not_reached":
        return
    query = Visit.select().where((Visit.campaign == campaign) & (Visit.household == household)
                                 & Visit.counted())
    if editing is not None:
        query = query.where(Visit.id != editing.id)
    existing = query.order_by(Visit.visit_date).first()
    if existing is not None:
        raise RuleViolation("storage.already_visited_campaign", date=existing.visit_date.isoformat(),
                            visitors=existing.visitors, cash=format_money(existing.cash_fen))


def _move_last_visit(household: Household, visit_date: date, purpose: str) -> None:
    # Only a later date can move the household's last visit (or data check): no recount needed.
    later = lambda column: column.is_null() | (column < visit_date)  # noqa: E731
    Household.update(last_visit=visit_date).where(
        (Household.id == household.id) & later(Household.last_visit)).execute()
    if purpose == "data_check":
        Household.update(last_check=visit_date).where(
            (Household.id == household.id) & later(Household.last_check)).execute()


def _insert_visit(w: Writer, data: VisitIn) -> Visit:
    household = w.load(Household, data.household)
    campaign = w.load(Campaign, data.campaign) if data.campaign else None
    _check_once_per_campaign(household, campaign, data.outcome)
    visit = w.create(Visit, household=household, campaign=campaign, **_visit_fields(data))
    if data.outcome != "not_reached":  # an attempt is not the household's last visit
        _move_last_visit(household, data.visit_date, data.purpose)
    return visit


def add_visit(user: str, data: VisitIn) -> Visit:
    with writing(user) as w:
        return _insert_visit(w, data)


def update_visit(user: str, uuid: str, base_version: int, data: VisitIn) -> Visit:
    """Correct a visit (its household and campaign stay): the version check, the change log,
    and the one-visit-per-campaign rule as for a new one."""
    with writing(user) as w:
        visit = w.load(Visit, uuid)
        if visit.status == "voided":
            raise RuleViolation("storage.already_voided")
        _check_once_per_campaign(visit.household, visit.campaign, data.outcome, editing=visit)
        visit = w.update(Visit, uuid, base_version, **_visit_fields(data))
        refresh_household(visit.household)  # the date or the outcome may have changed
        return visit


def void_visit(user: str, uuid: str, base_version: int, reason: str) -> Visit:
    """A wrong visit is voided with a reason, never deleted; it leaves every total."""
    with writing(user) as w:
        if w.load(Visit, uuid).status == "voided":
            raise RuleViolation("storage.already_voided")
        visit = w.update(Visit, uuid, base_version, op="status", status="voided", status_reason=reason)
        refresh_household(visit.household)
        return visit


def complete_follow_up(user: str, uuid: str, base_version: int, done: date) -> Visit:
    with writing(user) as w:
        return w.update(Visit, uuid, base_version, follow_up_done=done)


def create_campaign(user: str, data: CampaignIn, household_uuids: list[str]) -> Campaign:
    """A campaign and its target list in one transaction."""
    with writing(user) as w:
        campaign = w.create(Campaign, name=data.name, start_date=data.start_date, end_date=data.end_date,
                            purpose=data.purpose, visitors=VISITOR_SEPARATOR.join(data.visitors),
                            default_cash_fen=data.default_cash, default_goods=data.default_goods,
                            budget_fen=data.budget)
        for household_uuid in dict.fromkeys(household_uuids):
            w.create(CampaignTarget, campaign=campaign, household=w.load(Household, household_uuid))
        return campaign


def add_target(user: str, campaign_uuid: str, household_uuid: str) -> CampaignTarget:
    """Put a household on a campaign's list (again, if it was removed)."""
    with writing(user) as w:
        campaign = w.load(Campaign, campaign_uuid)
        household = w.load(Household, household_uuid)
        existing = CampaignTarget.get_or_none((CampaignTarget.campaign == campaign)
                                              & (CampaignTarget.household == household))
        if existing is None:
            return w.create(CampaignTarget, campaign=campaign, household=household)
        if existing.status == "active":
            raise RuleViolation("storage.already_target")
        return w.update(CampaignTarget, existing.uuid, None, op="status", status="active")


def remove_target(user: str, target_uuid: str, base_version: int) -> CampaignTarget:
    """Take a household off the list; it stays on record as removed."""
    with writing(user) as w:
        return w.update(CampaignTarget, target_uuid, base_version, op="status", status="removed")


def campaign_visit(user: str, campaign_uuid: str, household_uuid: str, visit_date: date) -> Visit:
    """The one-key path: a visit with the campaign's defaults (purpose, visitors, cash, goods).
    A second one for the household is refused by `add_visit`, as on every path."""
    campaign = Campaign.get(Campaign.uuid == campaign_uuid)
    data = validate(VisitIn, {
        "household": household_uuid, "visit_date": visit_date, "purpose": campaign.purpose,
        "visitors": campaign.visitors or user, "cash": str(fen_to_yuan(campaign.default_cash_fen)),
        "goods": campaign.default_goods, "campaign": campaign_uuid})
    return add_visit(user, data)
