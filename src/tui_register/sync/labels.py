"""A short label naming a record for the quarantine list: whose household, which visit."""

from __future__ import annotations

from typing import Callable

from tui_register.domain.categories import label as code_label
from tui_register.domain.text import display_safe
from tui_register.storage.models import (
    ENTITIES,
    Activity,
    Campaign,
    CampaignTarget,
    CheckOutcome,
    Household,
    Membership,
    Participation,
    Person,
    Place,
    Record,
    Visit,
    Volunteer,
)


def _household(h: Household) -> str:
    return h.head_name or h.address


_LABELS: dict[type[Record], Callable[..., str]] = {
    Place: lambda r: r.path or r.name,
    Household: _household,
    Person: lambda r: f"{r.name} ({_household(r.household)})",
    Membership: lambda r: f"{code_label('category', r.category_id)} / {_household(r.household)}",
    Campaign: lambda r: r.name,
    CampaignTarget: lambda r: f"{r.campaign.name} / {_household(r.household)}",
    Visit: lambda r: f"{r.visit_date} / {_household(r.household)}",
    CheckOutcome: lambda r: f"{r.visit.visit_date} / {r.person.name}",
    Volunteer: lambda r: r.name,
    Activity: lambda r: f"{r.activity_date} / {r.title}",
    Participation: lambda r: f"{r.volunteer.name} / {r.activity.title}",
}


def record_label(entity: str, uuid: str) -> str:
    """The label of a record by entity and UUID; the UUID itself if it cannot be found."""
    model = ENTITIES.get(entity)
    labeller = _LABELS.get(model) if model is not None else None
    record = model.get_or_none(model.uuid == uuid) if model is not None else None
    if record is None or labeller is None:
        return uuid
    return display_safe(labeller(record))
