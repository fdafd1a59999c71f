"""domain/rules.py: each cross-field rule, reached through the input model (a form) and the
snapshot model (a record at the hub), with the same field, problem and message."""

from __future__ import annotations

from datetime import date

import pytest

from tui_register.domain import rules
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.ids import make_resident_id, parse_resident_id
from tui_register.domain.records import CampaignIn, MembershipIn, PersonIn, PlaceIn, VisitIn, validate
from tui_register.domain.snapshots import check_snapshot

TODAY = date(2026, 6, 1)
UID = "0b6f3a52-9c1e-4d7a-8f2b-5e4c3d2a1b0f"
UID2 = "7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
HEAD_ID = make_resident_id("110105", date(1950, 3, 4), 11)  # a man born 1950-03-04
STAMP = "2026-05-01T09:00:00.000000+00:00"
BASE = {"uuid": UID, "version": 1, "created_at": STAMP, "created_by": "alice",
        "updated_at": STAMP, "updated_by": "alice"}

FORMS = {
    "place": (PlaceIn, {"name": "东关社区", "level": "village", "parent": UID2}),
    "person": (PersonIn, {"household": UID2, "name": "张伟", "id_number": HEAD_ID}),
    "membership": (MembershipIn, {"category": "urban_dibao", "household": UID2, "start_date": "2025-01-01",
                                  "amount": "500", "period": "monthly"}),
    "campaign": (CampaignIn, {"name": "春节走访慰问", "start_date": "2026-01-20", "end_date": "2026-01-30",
                              "purpose": "festival"}),
    "visit": (VisitIn, {"household": UID2, "visit_date": "2026-05-01", "visitors": "王敏",
                        "purpose": "routine", "follow_up": "复核家庭收入", "follow_up_due": "2026-05-20"}),
}
SNAPSHOTS = {
    "place": dict(BASE, name="东关社区", level="village", parent=UID2, code="", status="active"),
    "person": dict(BASE, household=UID2, name="张伟", id_number=HEAD_ID, sex="M", birth_date="1950-03-04",
                   relation="head", disability_grade=None, phone="", status="active", status_reason="",
                   status_date=None),
    "membership": dict(BASE, category="urban_dibao", household=UID2, person=None, start_date="2025-01-01",
                       end_date=None, amount_fen=50000, period="monthly", notes="", status="active",
                       status_reason=""),
    "campaign": dict(BASE, name="春节走访慰问", start_date="2026-01-20", end_date="2026-01-30",
                     purpose="festival", visitors=[], default_cash_fen=0, default_goods="", budget_fen=0,
                     status="active", status_reason=""),
    "visit": dict(BASE, household=UID2, visit_date="2026-05-01", visitors=["王敏"], purpose="routine",
                  cash_fen=0, goods="", findings="", follow_up="复核家庭收入", follow_up_due="2026-05-20",
                  follow_up_done=None, campaign=None, status="valid", status_reason=""),
}
# (entity, form changes, snapshot changes, expected (field, code) list)
BROKEN = [
    ("visit", {"follow_up_due": ""}, {"follow_up_due": None}, [("follow_up_due", "follow_up_due_required")]),
    ("visit", {"follow_up_due": "2026-04-30"}, {"follow_up_due": "2026-04-30"},
     [("follow_up_due", "follow_up_before_visit")]),
    ("membership", {"end_date": "2024-12-31"}, {"end_date": "2024-12-31"}, [("end_date", "end_before_start")]),
    ("membership", {"end_date": "2024-12-31", "period": ""}, {"end_date": "2024-12-31", "period": ""},
     [("end_date", "end_before_start"), ("period", "period_required")]),
    ("campaign", {"end_date": "2026-01-19"}, {"end_date": "2026-01-19"}, [("end_date", "end_before_start")]),
    ("person", {"birth_date": "1950-03-05"}, {"birth_date": "1950-03-05"},
     [("birth_date", "id_birth_mismatch")]),
    ("person", {"birth_date": "1950-03-05", "sex": "F"}, {"birth_date": "1950-03-05", "sex": "F"},
     [("birth_date", "id_birth_mismatch"), ("sex", "id_sex_mismatch")]),
    ("place", {"parent": ""}, {"parent": None}, [("parent", "required")]),
]


def form_errors(entity: str, changes: dict) -> list[FieldError]:
    model, data = FORMS[entity]
    try:
        validate(model, dict(data, **changes), today=TODAY)
    except InputError as err:
        return err.errors
    return []


def snapshot_errors(entity: str, changes: dict) -> list[FieldError]:
    return check_snapshot(entity, dict(SNAPSHOTS[entity], **changes), today=TODAY)


@pytest.mark.parametrize("entity", sorted(FORMS))
def test_the_valid_records_pass_both_models(entity):
    assert form_errors(entity, {}) == []
    assert snapshot_errors(entity, {}) == []


@pytest.mark.parametrize("entity, form, snapshot, expected", BROKEN)
def test_each_rule_is_the_same_through_both_models(entity, form, snapshot, expected):
    by_form, by_snapshot = form_errors(entity, form), snapshot_errors(entity, snapshot)
    assert [(e.field, e.code) for e in by_form] == expected
    assert [(e.field, e.code) for e in by_snapshot] == expected
    for lang in ("zh_CN", "en"):
        assert [e.message(lang) for e in by_form] == [e.message(lang) for e in by_snapshot]


def test_rule_messages_are_the_ones_users_saw_before():
    (error,) = form_errors("visit", {"follow_up_due": "2026-04-30"})
    assert error.message("zh_CN") == "跟进期限：不能早于走访日期"
    assert error.message("en") == "Follow-up due: must not be before the visit date"
    (error,) = snapshot_errors("person", {"birth_date": "1950-03-05"})
    assert error.message("en").endswith("(1950-03-04)") or "1950-03-04" in error.message("en")


def test_person_form_still_reads_birth_date_and_sex_from_the_id():
    person = validate(PersonIn, FORMS["person"][1], today=TODAY)
    assert (person.birth_date, person.sex) == (date(1950, 3, 4), "M")


def test_departure_end_and_held_while_present():
    died = date(2025, 6, 30)
    assert rules.departure_end(None, died) == died
    assert rules.departure_end(date(2025, 7, 1), died) == died
    assert rules.departure_end(date(2025, 1, 1), died) == date(2025, 1, 1)
    rules.held_while_present(date(2024, 1, 1), died, "deceased", died)
    rules.held_while_present(date(2024, 1, 1), None, "active", None)
    for start, end, status in ((date(2024, 1, 1), None, "deceased"),
                               (date(2024, 1, 1), date(2025, 7, 1), "moved_out"),
                               (date(2025, 7, 1), date(2025, 8, 1), "deceased")):
        with pytest.raises(FieldError) as info:
            rules.held_while_present(start, end, status, died)
        assert (info.value.field, info.value.code) == ("person", "held_after_departure")
        assert "2025-06-30" in info.value.message("zh_CN") and "2025-06-30" in info.value.message("en")


# ---------------------------------------------------------------- ID regions (issue 10 #14)

def test_a_county_code_created_after_the_birth_year_is_no_warning():
    # 宝安区 (440306) exists from 1992; holders born in 1980 got their number there later.
    number = make_resident_id("440306", date(1980, 7, 1), 21)
    assert parse_resident_id(number, today=TODAY).region_name == "广东省宝安区"
    data = {"household": UID2, "name": "李强", "id_number": number}
    assert validate(PersonIn, data, today=TODAY).id_number == number
    assert check_snapshot("person", dict(SNAPSHOTS["person"], id_number=number, birth_date="1980-07-01",
                                         name="李强"), today=TODAY) == []


def test_a_code_abolished_before_the_birth_year_still_warns():
    # 广州市 "市区" (440120) ended in 1983: nobody born in 1990 was issued a number there.
    number = make_resident_id("440120", date(1990, 7, 1), 21)
    with pytest.raises(FieldError) as info:
        parse_resident_id(number, today=TODAY)
    assert (info.value.code, info.value.warning) == ("id_region_unknown", True)
    with pytest.raises(InputError) as err:
        validate(PersonIn, {"household": UID2, "name": "李强", "id_number": number}, today=TODAY)
    assert [(e.field, e.code, e.warning) for e in err.value.errors] == [("id_number", "id_region_unknown", True)]
    # born while it was in use: no warning
    assert parse_resident_id(make_resident_id("440120", date(1980, 7, 1), 21), today=TODAY).region_name


def test_a_renamed_code_gives_the_name_of_the_birth_year_or_the_next_one():
    # 440111: 郊区 1983-1986, 白云区 from 1987
    name = lambda year: parse_resident_id(make_resident_id("440111", date(year, 1, 1), 1), today=TODAY).region_name  # noqa: E731
    assert name(1985) == "广东省郊区"
    assert name(1990) == "广东省白云区"
    assert name(1970) == "广东省郊区"  # before either: the first name given after
