"""Writes to the volunteer register (志愿服务): volunteers, activities, participation hours."""

from __future__ import annotations

from decimal import Decimal

from tui_register.domain.names import pinyin_keys
from tui_register.domain.records import ActivityIn, ParticipationIn, VolunteerIn
from tui_register.storage.core import RuleViolation, writing
from tui_register.storage.models import Activity, Participation, Volunteer


def tenths(hours: Decimal) -> int:
    """Hours are stored exactly as tenths of an hour."""
    return int(hours * 10)


def add_volunteer(user: str, data: VolunteerIn) -> Volunteer:
    pinyin, initials = pinyin_keys(data.name)
    with writing(user) as w:
        if data.id_number and Volunteer.select().where(Volunteer.id_number == data.id_number).exists():
            raise RuleViolation("storage.duplicate_volunteer", name=data.name)
        return w.create(Volunteer, name=data.name, phone=data.phone, organisation=data.organisation,
                        id_number=data.id_number or None, notes=data.notes,
                        name_pinyin=pinyin, name_initials=initials)


def update_volunteer(user: str, uuid: str, base_version: int, data: VolunteerIn) -> Volunteer:
    pinyin, initials = pinyin_keys(data.name)
    with writing(user) as w:
        if data.id_number and Volunteer.select().where((Volunteer.id_number == data.id_number)
                                                       & (Volunteer.uuid != uuid)).exists():
            raise RuleViolation("storage.duplicate_volunteer", name=data.name)
        return w.update(Volunteer, uuid, base_version, name=data.name, phone=data.phone,
                        organisation=data.organisation, id_number=data.id_number or None, notes=data.notes,
                        name_pinyin=pinyin, name_initials=initials)


def add_activity(user: str, data: ActivityIn) -> Activity:
    with writing(user) as w:
        return w.create(Activity, activity_date=data.activity_date, title=data.title, kind=data.kind,
                        place=data.place, organiser=data.organiser, partner_unit=data.partner_unit,
                        default_hours_tenths=tenths(data.default_hours) if data.default_hours else 0,
                        notes=data.notes)


def add_participation(user: str, data: ParticipationIn) -> Participation:
    with writing(user) as w:
        activity = w.load(Activity, data.activity)
        volunteer = w.load(Volunteer, data.volunteer)
        existing = Participation.get_or_none((Participation.activity == activity)
                                             & (Participation.volunteer == volunteer))
        if existing is None:
            return w.create(Participation, activity=activity, volunteer=volunteer, hours_tenths=tenths(data.hours))
        if existing.status == "valid":
            raise RuleViolation("storage.already_participant", name=volunteer.name)
        # Someone removed by mistake comes back on the same record (one per activity and person).
        return w.update(Participation, existing.uuid, None, op="status", status="valid", status_reason="",
                        hours_tenths=tenths(data.hours))


def set_participation_hours(user: str, uuid: str, base_version: int, hours: Decimal) -> Participation:
    with writing(user) as w:
        return w.update(Participation, uuid, base_version, hours_tenths=tenths(hours))


def void_participation(user: str, uuid: str, base_version: int, reason: str = "") -> Participation:
    """Take a person off an activity: the participation stays on record, voided."""
    with writing(user) as w:
        return w.update(Participation, uuid, base_version, op="status", status="voided", status_reason=reason)
