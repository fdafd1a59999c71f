"""domain/assistance.py: the kind of a one-off assistance (临时救助) and of a housing repair
(危房改造) and the repair's stage: required for those categories, refused for the others, by the
input model (a form or an imported row) and the snapshot model (a record at the hub) alike."""

from __future__ import annotations

from datetime import date

import pytest

from tui_register import i18n
from tui_register.domain import assistance
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.records import MembershipIn, validate
from tui_register.domain.snapshots import check_snapshot

TODAY = date(2026, 6, 1)
UID = "0b6f3a52-9c1e-4d7a-8f2b-5e4c3d2a1b0f"
UID2 = "7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
STAMP = "2026-05-01T09:00:00.000000+00:00"
SNAPSHOT = dict(uuid=UID, version=1, created_at=STAMP, created_by="alice", updated_at=STAMP,
                updated_by="alice", category="temporary_assistance", household=UID2, person=None,
                start_date="2026-03-01", end_date=None, amount_fen=200000, period="once", notes="",
                status="active", status_reason="")


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


def membership(**fields: str) -> MembershipIn:
    data = {"household": UID2, "start_date": "2026-03-01", "amount": "2000", "period": "once", **fields}
    return validate(MembershipIn, data, today=TODAY)


def problems(**fields: str) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as info:
        membership(**fields)
    return [(e.field, e.code) for e in info.value.errors]


def test_assistance_records_its_kind_by_code_or_label_in_either_language():
    for typed in ("medical", "医疗", "Medical"):
        assert membership(category="临时救助", aid_kind=typed).kinds() == {
            "aid_kind": "medical", "repair_kind": "", "repair_stage": ""}
    assert membership(category="temporary_assistance", aid_kind="受灾").aid_kind == "disaster"


def test_a_repair_records_its_kind_and_starts_at_the_appraisal():
    repair = membership(category="危房户", repair_kind="翻建")
    assert (repair.repair_kind, repair.repair_stage) == ("rebuild", "appraisal")
    assert membership(category="unsafe_housing", repair_kind="修缮", repair_stage="施工").repair_stage == "construction"


def test_the_kind_is_required_for_these_two_categories_naming_the_field():
    assert problems(category="temporary_assistance") == [("aid_kind", "required")]
    assert problems(category="unsafe_housing") == [("repair_kind", "required")]
    with pytest.raises(InputError) as info:
        membership(category="temporary_assistance")
    assert info.value.messages("zh_CN") == ["救助类别：不能为空"]
    assert info.value.messages("en") == ["Kind of assistance: is required"]


def test_a_kind_is_refused_on_any_other_category_naming_the_field():
    assert problems(category="orphan", aid_kind="医疗") == [("aid_kind", "only_for_temporary_assistance")]
    assert problems(category="temporary_assistance", aid_kind="医疗", repair_kind="翻建") == [
        ("repair_kind", "only_for_unsafe_housing")]
    assert problems(category="urban_dibao", repair_stage="施工") == [
        ("repair_stage", "only_for_unsafe_housing")]
    with pytest.raises(InputError) as info:
        membership(category="orphan", aid_kind="医疗")
    assert info.value.messages("zh_CN") == ["救助类别：只有临时救助才填写"]


def test_an_unknown_kind_is_not_one_of_the_choices():
    assert problems(category="temporary_assistance", aid_kind="看病") == [("aid_kind", "not_in_list")]
    assert problems(category="unsafe_housing", repair_kind="翻建", repair_stage="完工") == [
        ("repair_stage", "not_in_list")]


def test_a_stage_moves_forward_only_with_a_clear_message():
    assistance.stage_forward("appraisal", "construction")
    assistance.stage_forward("construction", "acceptance")
    assistance.stage_forward("appraisal", "acceptance")
    assistance.stage_forward("construction", "construction")
    assistance.stage_forward("", "construction")  # recorded before stages existed
    with pytest.raises(FieldError) as info:
        assistance.stage_forward("acceptance", "construction")
    assert info.value.field == "repair_stage"
    assert info.value.message() == "改造进度：只能向前推进（鉴定、施工、验收），现在已是「验收」，不能改回「施工」"


def test_snapshots_carry_the_kinds_and_old_ones_without_them_still_validate():
    assert check_snapshot("membership", SNAPSHOT, today=TODAY) == []  # logged before schema v11
    assert check_snapshot("membership", dict(SNAPSHOT, aid_kind="medical"), today=TODAY) == []
    errors = check_snapshot("membership", dict(SNAPSHOT, category="orphan", aid_kind="medical"), today=TODAY)
    assert [(e.field, e.code) for e in errors] == [("aid_kind", "only_for_temporary_assistance")]
    errors = check_snapshot("membership", dict(SNAPSHOT, aid_kind="看病"), today=TODAY)
    assert [e.field for e in errors] == ["aid_kind"]
