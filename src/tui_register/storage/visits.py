"""Writes to the visit log (走访慰问): visits, voiding, follow-ups, campaigns."""

from __future__ import annotations

from datetime import date

from tui_register.domain.fields import fen_to_yuan
from tui_register.domain.records import CampaignIn, VisitIn, validate
from tui_register.storage.core import RuleViolation, Writer, writing
from tui_register.storage.households import refresh_household
from tui_register.storage.models import Campaign, CampaignTarget, Household, Visit

VISITOR_SEPARATOR = "、"


def _insert_visit(w: Writer, data: VisitIn) -> Visit:
    household = w.load(Household, data.household)
    campaign = w.load(Campaign, data.campaign) if data.campaign else None
    visit = w.create(Visit, household=household, visit_date=data.visit_date,
                     visitors=VISITOR_SEPARATOR.join(data.visitors), purpose=data.purpose,
                     cash_fen=data.cash, goods=data.goods, findings=data.findings,
                     follow_up=data.follow_up, follow_up_due=data.follow_up_due, campaign=campaign)
    # Only a later date can move the household's last visit (or data check): no recount needed.
    later = lambda column: column.is_null() | (column < data.visit_date)  # noqa: E731
    Household.update(last_visit=data.visit_date).where(
        (Household.id == household.id) & later(Household.last_visit)).execute()
    if data.purpose == "data_check":
        Household.update(last_check=data.visit_date).where(
            (Household.id == household.id) & later(Household.last_check)).execute()
    return visit


def add_visit(user: str, data: VisitIn) -> Visit:
    with writing(user) as w:
        return _insert_visit(w, data)


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
    """The one-key path: a visit with the campaign's defaults (purpose, visitors, cash, goods)."""
    campaign = Campaign.get(Campaign.uuid == campaign_uuid)
    if (Visit.select().join(Household).where((Visit.campaign == campaign) & (Household.uuid == household_uuid)
                                             & (Visit.status == "valid")).exists()):
        # One default visit per household and campaign (a second key press is not a second visit);
        # a different visit is entered through the form.
        raise RuleViolation("storage.already_visited_campaign")
    data = validate(VisitIn, {
        "household": household_uuid, "visit_date": visit_date, "purpose": campaign.purpose,
        "visitors": campaign.visitors or user, "cash": str(fen_to_yuan(campaign.default_cash_fen)),
        "goods": campaign.default_goods, "campaign": campaign_uuid})
    return add_visit(user, data)
