"""The domain layer's validation: IDs, phones, money, dates, text and the input models."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.cn import ric

from tui_register.domain import records
from tui_register.domain.categories import (
    CODE_LISTS,
    PERIODS,
    RELATIONS,
    VISIT_PURPOSES,
    category_by_code,
    choices,
    code_for,
    label,
    load_categories,
)
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.fields import (
    check_not_future,
    fen_to_yuan,
    format_money,
    parse_date,
    parse_hours,
    parse_money,
    parse_phone,
)
from tui_register.domain.ids import known_region_codes, make_resident_id, mask_id, parse_resident_id
from tui_register.domain.records import (
    AccountIn,
    ActivityIn,
    CampaignIn,
    HouseholdIn,
    MembershipIn,
    ParticipationIn,
    PersonIn,
    PlaceIn,
    StandardIn,
    StatusChange,
    VisitIn,
    VolunteerIn,
    validate,
)
from tui_register.domain.text import clean_text, display_safe

TODAY = date(2024, 3, 1)
UID = "0b6f3a52-9c1e-4d7a-8f2b-5e4c3d2a1b0f"
UID2 = "7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
DOMAIN_DIR = Path(records.__file__).parent


def with_check(body17: str) -> str:
    """An 18-character number with the right check character, whatever the body says."""
    return body17 + ric.calc_check_digit(body17 + "0")


def code_of(call) -> str:
    with pytest.raises(FieldError) as info:
        call()
    return info.value.code


def problems(model, data, **kw) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as info:
        validate(model, data, today=TODAY, **kw)
    return [(e.field, e.code) for e in info.value.errors]


# ---------------------------------------------------------------- resident ID numbers

@pytest.mark.parametrize("raw, number, sex, birth", [
    ("11010519491231002X", "11010519491231002X", "F", date(1949, 12, 31)),
    ("11010519491231002x", "11010519491231002X", "F", date(1949, 12, 31)),
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", "F", date(1949, 12, 31)),
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", "F", date(1949, 12, 31)),
    (" 110105 19491231 002X ", "11010519491231002X", "F", date(1949, 12, 31)),
    ("360426199101010071", "360426199101010071", "M", date(1991, 1, 1)),
])
def test_valid_ids(raw, number, sex, birth):
    rid = parse_resident_id(raw, today=TODAY)
    assert (rid.number, rid.sex, rid.birth_date) == (number, sex, birth)
    assert rid.region_code == number[:6]
    assert rid.region_name


def test_region_name():
    assert parse_resident_id("11010519491231002X").region_name == "北京市朝阳区"


@pytest.mark.parametrize("raw, code", [
    ("", "required"),
    ("   ", "required"),
    (None, "required"),
    ("110105491231002", "id_legacy_15"),
    ("１１０１０５４９１２３１００２", "id_legacy_15"),
    ("1101051949123100", "id_length"),
    ("11010519491231002XX", "id_length"),
    ("11010519491231002Y", "id_chars"),
    ("1101051949123100AX", "id_chars"),
    ("X10105194912310021", "id_chars"),
    (with_check("11010519490230002"), "id_birth_date"),  # 30 February
    (with_check("11010519491301002"), "id_birth_date"),  # month 13
    (with_check("11010520300101002"), "id_birth_future"),
    (with_check("11010518991231002"), "date_before_1900"),
    ("110105194912310021", "id_checksum"),
    ("360426199101010072", "id_checksum"),
    ("990101198001010111", "id_checksum"),  # unknown region, but the checksum is checked first
])
def test_invalid_ids(raw, code):
    assert code_of(lambda: parse_resident_id(raw, today=TODAY)) == code


def test_legacy_id_is_not_guessed():
    with pytest.raises(FieldError) as info:
        parse_resident_id("110105491231002")
    assert "18" in info.value.message("zh_CN") and "15" in info.value.message("zh_CN")


def test_unknown_region_is_a_warning():
    number = make_resident_id("990101", date(1980, 1, 1), 11)
    with pytest.raises(FieldError) as info:
        parse_resident_id(number, today=TODAY)
    assert info.value.code == "id_region_unknown" and info.value.warning
    assert info.value.params == {"region": "990101"}
    rid = parse_resident_id(number, allow_unknown_region=True, today=TODAY)
    assert rid.region_name is None and rid.sex == "M"


def test_region_checked_against_birth_year():
    # 崇文区 (110103) was merged away in 2010: a number for someone born in 2015 is suspect.
    old = make_resident_id("110103", date(2015, 5, 1), 2)
    assert code_of(lambda: parse_resident_id(old, today=TODAY)) == "id_region_unknown"
    assert parse_resident_id(make_resident_id("110103", date(1960, 5, 1), 2)).region_name


@pytest.mark.parametrize("number, masked", [
    ("11010519491231002X", "110105********002X"),
    ("110105491231002", "110105*****1002"),
    ("12345678", "12****78"),
    ("1234", "****"),
    ("", ""),
])
def test_mask_id(number, masked):
    assert mask_id(number) == masked


@pytest.mark.parametrize("year", [1930, 1960, 1990, 2015])
def test_make_resident_id_round_trip(year):
    for i, region in enumerate(known_region_codes(year)[::97]):
        number = make_resident_id(region, date(year, 6, 15), i % 1000)
        rid = parse_resident_id(number, today=TODAY)
        assert rid.sex == ("M" if i % 2 else "F")
        assert rid.birth_date == date(year, 6, 15)


def test_known_region_codes():
    codes = known_region_codes()
    assert len(codes) > 3000
    assert all(len(c) == 6 and c.isdigit() and not c.endswith("00") for c in codes)
    assert "110105" in codes
    assert set(known_region_codes(2000)) <= set(codes)


# ---------------------------------------------------------------- phones

@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("008613812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("0371-12345678", "0371-12345678"),
    ("037112345678", "0371-12345678"),
    ("(0371)1234567", "0371-1234567"),
    ("010 1234 5678", "010-12345678"),
    ("01012345678", "010-12345678"),
    ("0371-1234567转801", "0371-1234567-801"),
    ("0371-1234567x801", "0371-1234567-801"),
    ("0371-1234567-801", "0371-1234567-801"),
    ("+86 10 1234 5678", "010-12345678"),
    ("０３７１－１２３４５６７８", "0371-12345678"),
])
def test_valid_phones(raw, expected):
    assert parse_phone(raw) == expected
    assert parse_phone(expected) == expected  # stored form parses to itself


@pytest.mark.parametrize("raw, code", [
    ("", "required"),
    ("1381234567", "phone_invalid"),  # 10 digits
    ("138123456789", "phone_invalid"),
    ("12812345678", "phone_invalid"),  # no such mobile prefix
    ("12345678", "phone_invalid"),  # a landline needs its area code
    ("0371-0234567", "phone_invalid"),
    ("0371-123456", "phone_invalid"),
    ("13812345678转8", "phone_invalid"),
    ("电话13812345678", "phone_invalid"),
    ("abc", "phone_invalid"),
])
def test_invalid_phones(raw, code):
    assert code_of(lambda: parse_phone(raw)) == code


# ---------------------------------------------------------------- money

@pytest.mark.parametrize("raw, fen", [
    ("0", 0),
    ("0.1", 10),
    ("170", 17000),
    ("1234.5", 123450),
    ("1,234.50", 123450),
    ("¥1,234.50", 123450),
    ("￥1234.5", 123450),
    ("１２３", 12300),
    ("１２３．４５", 12345),
    ("500元", 50000),
    (".5", 50),
    ("1.230", 123),  # trailing zero: still exact
    ("9999999.99", 999_999_999),
    (12, 1200),  # an int is yuan
    (Decimal("3320.00"), 332000),
])
def test_valid_money(raw, fen):
    assert parse_money(raw) == fen


def test_money_is_exact():
    assert parse_money("0.1") + parse_money("0.2") == parse_money("0.3") == 30
    total = sum(parse_money("0.01") for _ in range(1000))
    assert total == 1000 and fen_to_yuan(total) == Decimal("10.00")


@pytest.mark.parametrize("raw, code", [
    ("", "required"),
    ("-1", "money_negative"),
    ("-¥1.00", "money_negative"),
    ("¥-1.00", "money_negative"),
    (-5, "money_negative"),
    ("1.005", "money_decimals"),
    ("0.001", "money_decimals"),
    (Decimal("1.234"), "money_decimals"),
    ("10000000", "money_too_large"),
    ("9,999,999.995", "money_decimals"),
    ("abc", "not_a_number"),
    ("1e3", "not_a_number"),
    ("NaN", "not_a_number"),
    ("12,34", "not_a_number"),  # a decimal comma must not become 1234
    ("1.2.3", "not_a_number"),
    (".", "not_a_number"),
    ("1.3万", "not_a_number"),
])
def test_invalid_money(raw, code):
    assert code_of(lambda: parse_money(raw)) == code


def test_money_refuses_float():
    with pytest.raises(TypeError):
        parse_money(0.1)


@pytest.mark.parametrize("fen, text", [
    (0, "¥0.00"), (5, "¥0.05"), (123450, "¥1,234.50"), (-100, "-¥1.00"),
    (999_999_999, "¥9,999,999.99"),
])
def test_format_money(fen, text):
    assert format_money(fen) == text


def test_fen_to_yuan():
    assert fen_to_yuan(123450) == Decimal("1234.50")
    assert str(fen_to_yuan(5)) == "0.05"


# ---------------------------------------------------------------- dates and hours

@pytest.mark.parametrize("raw, expected", [
    (date(2024, 1, 31), date(2024, 1, 31)),
    ("2024-01-31", date(2024, 1, 31)),
    ("20240131", date(2024, 1, 31)),
    ("2024/1/31", date(2024, 1, 31)),
    ("2024.1.31", date(2024, 1, 31)),
    ("2024-1-5", date(2024, 1, 5)),
    ("2024年1月31日", date(2024, 1, 31)),
    ("2024年1月31号", date(2024, 1, 31)),
    ("２０２４年１月３１日", date(2024, 1, 31)),
    ("２０２４－０１－３１", date(2024, 1, 31)),
    ("t", TODAY),
    ("T", TODAY),
    ("today", TODAY),
    ("今天", TODAY),
    ("今", TODAY),
    ("-3", date(2024, 2, 27)),
    ("-0", TODAY),
    ("1900-01-01", date(1900, 1, 1)),
])
def test_valid_dates(raw, expected):
    assert parse_date(raw, today=TODAY) == expected


@pytest.mark.parametrize("raw, code", [
    ("", "required"),
    ("2024-02-30", "date_invalid"),
    ("2023-02-29", "date_invalid"),
    ("20241331", "date_invalid"),
    ("2024-1", "date_invalid"),
    ("24-01-31", "date_invalid"),
    ("+2", "date_invalid"),
    ("yesterday", "date_invalid"),
    ("2024年13月1日", "date_invalid"),
    ("1899-12-31", "date_before_1900"),
    (date(1850, 1, 1), "date_before_1900"),
])
def test_invalid_dates(raw, code):
    assert code_of(lambda: parse_date(raw, today=TODAY)) == code


def test_check_not_future():
    assert check_not_future(TODAY, TODAY, "visit_date") == TODAY
    with pytest.raises(FieldError) as info:
        check_not_future(date(2024, 3, 2), TODAY, "visit_date")
    assert (info.value.field, info.value.code) == ("visit_date", "date_future")


@pytest.mark.parametrize("raw, hours", [
    ("2", Decimal("2.0")), ("2.5", Decimal("2.5")), ("0.5", Decimal("0.5")),
    ("24", Decimal("24.0")), ("２．５", Decimal("2.5")), ("3小时", Decimal("3.0")),
    (4, Decimal("4.0")), (Decimal("1.50"), Decimal("1.5")),
])
def test_valid_hours(raw, hours):
    assert parse_hours(raw) == hours


@pytest.mark.parametrize("raw, code", [
    ("", "required"), ("0", "hours_range"), ("-1", "hours_range"), ("24.5", "hours_range"),
    ("2.25", "hours_decimals"), ("abc", "not_a_number"), ("1e1", "not_a_number"),
])
def test_invalid_hours(raw, code):
    assert code_of(lambda: parse_hours(raw)) == code


# ---------------------------------------------------------------- text

@pytest.mark.parametrize("raw, expected", [
    (None, ""),
    ("  张三  ", "张三"),
    ("张  三", "张 三"),
    ("张\u3000三", "张 三"),  # ideographic space from an IME
    ("ＡＢＣ１２３", "ABC123"),
    ("[bold]红[/bold]", "[bold]红[/bold]"),  # markup is just text here; the UI escapes it
    ("幸福路12号\n", "幸福路12号"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw, field="address", max_len=50) == expected


@pytest.mark.parametrize("raw, code", [
    ("a\x1b[31mb", "control_chars"),
    ("a\x00b", "control_chars"),
    ("a\x7fb", "control_chars"),
    ("a\x85b", "control_chars"),  # C1
    ("a\u202eb", "control_chars"),  # right-to-left override
    ("a\u2066b", "control_chars"),
    ("a\u200fb", "control_chars"),
    ("a\u061cb", "control_chars"),
    ("a\nb", "control_chars"),  # a single-line field
    ("a\tb", "control_chars"),
    ("x" * 11, "too_long"),
    ("", "required"),
    ("   ", "required"),
])
def test_clean_text_rejects(raw, code):
    assert code_of(lambda: clean_text(raw, field="name", max_len=10, min_len=1)) == code


def test_too_long_says_the_limit():
    with pytest.raises(FieldError) as info:
        clean_text("x" * 11, field="name", max_len=10)
    assert info.value.params == {"max": 10}
    assert "10" in info.value.message("zh_CN") and "10" in info.value.message("en")


def test_multiline_text():
    text = clean_text("第一行  \r\n\t第二行\u2028第三行\n", field="notes", max_len=100, multiline=True)
    assert text == "第一行\n\t第二行\n第三行"
    assert code_of(lambda: clean_text("a\x1bb", field="notes", max_len=9, multiline=True)) \
        == "control_chars"


def test_display_safe():
    assert display_safe("a\x1b[2Jb\u202ec\x9bd") == "a[2Jbcd"
    assert display_safe("一\n二\t三") == "一 二 三"
    assert display_safe("[bold]x") == "[bold]x"
    assert display_safe("") == ""


# ---------------------------------------------------------------- categories and code lists

def test_categories_cover_the_domain():
    names = {c.zh for c in load_categories()}
    for expected in ["城市低保", "农村低保", "低保边缘户", "特困供养(集中)", "特困供养(分散)",
                     "重度残疾人", "特困残疾人", "孤儿", "空巢老人", "临时救助", "危房户", "烈属",
                     "因公牺牲军人遗属", "病故军人遗属", "残疾军人", "在乡复员军人",
                     "带病回乡退伍军人", "参战参试人员", "现役军人家属(义务兵家属)", "退役军人",
                     "失散人员"]:
        assert expected in names


def test_category_entries_are_well_formed():
    categories = load_categories()
    assert [c.sort for c in categories] == sorted(c.sort for c in categories)
    assert len({c.code for c in categories}) == len(categories)
    for c in categories:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", c.code)
        assert c.group in CODE_LISTS["group"][0] and c.scope in ("person", "household")
        assert c.default_period in (*PERIODS, None)
        assert 2 <= len(c.zh_short) <= 4 and 0 < len(c.en_short) <= 8
        assert c.name("zh_CN") == c.zh and c.short("en") == c.en_short


def test_category_lookup():
    assert category_by_code("urban_dibao").name("zh_CN") == "城市低保"
    with pytest.raises(KeyError):
        category_by_code("nope")


@pytest.mark.parametrize("kind", sorted(CODE_LISTS))
def test_every_code_has_labels(kind):
    for code in CODE_LISTS[kind][0]:
        zh, en = label(kind, code, "zh_CN"), label(kind, code, "en")
        assert zh and en and zh != str(code) and en != str(code)


def test_labels_and_codes():
    assert label("relation", "head", "zh_CN") == "户主"
    assert label("category", "rural_dibao", "en").startswith("Rural")
    assert label("relation", "no_such_code", "zh_CN") == "no_such_code"
    assert code_for("relation", "户主") == "head" and code_for("purpose", "Festival visit") == "festival"
    assert code_for("category", "特困供养（集中）") == "tekun_centralised"  # full-width brackets
    assert len(choices("purpose")) == len(VISIT_PURPOSES)
    assert [code for _label, code in choices("relation")] == list(RELATIONS)


# ---------------------------------------------------------------- input models

def test_person_id_fills_sex_and_birth_date():
    person = validate(PersonIn, {"household": UID, "name": "王秀英",
                                 "id_number": "１１０１０５１９４９１２３１００２ｘ"}, today=TODAY)
    assert person.id_number == "11010519491231002X"
    assert (person.sex, person.birth_date) == ("F", date(1949, 12, 31))
    assert person.relation == "other" and person.disability_grade is None


def test_person_explicit_values_that_agree():
    person = validate(PersonIn, {"household": UID, "name": "王秀英", "id_number": "11010519491231002X",
                                 "sex": "女", "birth_date": "1949年12月31日", "relation": "户主",
                                 "disability_grade": "二级", "phone": "138 1234 5678"}, today=TODAY)
    assert (person.sex, person.relation, person.disability_grade, person.phone) == \
        ("F", "head", 2, "13812345678")


@pytest.mark.parametrize("extra, expected", [
    ({"birth_date": "1950-01-01"}, [("birth_date", "id_birth_mismatch")]),
    ({"sex": "M"}, [("sex", "id_sex_mismatch")]),
    ({"sex": "男", "birth_date": "1950-01-01"},
     [("birth_date", "id_birth_mismatch"), ("sex", "id_sex_mismatch")]),
])
def test_person_mismatch_on_the_right_field(extra, expected):
    data = {"household": UID, "name": "王秀英", "id_number": "11010519491231002X", **extra}
    assert problems(PersonIn, data) == expected


@pytest.mark.parametrize("data, expected", [
    ({"name": "张三"}, [("sex", "required"), ("birth_date", "required")]),
    ({"name": "张三", "sex": "男"}, [("birth_date", "required")]),
    ({"name": "张三", "sex": "x", "birth_date": "1980-01-01"}, [("sex", "not_in_list")]),
    ({"name": "张三", "sex": "M", "birth_date": "2025-01-01"}, [("birth_date", "date_future")]),
    ({"name": "张3", "sex": "M", "birth_date": "1980-01-01"}, [("name", "name_digits")]),
    ({"name": "", "sex": "M", "birth_date": "1980-01-01"}, [("name", "required")]),
    ({"name": "张三", "id_number": "110105194912310021"}, [("id_number", "id_checksum")]),
    ({"name": "张三", "id_number": "110105491231002"}, [("id_number", "id_legacy_15")]),
    ({"name": "张三", "sex": "M", "birth_date": "1980-01-01", "disability_grade": "5"},
     [("disability_grade", "not_in_list")]),
    ({"name": "张三", "sex": "M", "birth_date": "1980-01-01", "relation": "邻居"},
     [("relation", "not_in_list")]),
    ({"name": "张三", "sex": "M", "birth_date": "1980-01-01", "phone": "123"},
     [("phone", "phone_invalid")]),
    ({"name": "张三", "sex": "M", "birth_date": "1980-01-01", "nickname": "三儿"},
     [("nickname", "unknown_field")]),
])
def test_person_problems(data, expected):
    assert problems(PersonIn, {"household": UID, **data}) == expected


def test_person_unknown_region_can_be_accepted():
    number = make_resident_id("990101", date(1980, 1, 1), 11)
    data = {"household": UID, "name": "张三", "id_number": number}
    with pytest.raises(InputError) as info:
        validate(PersonIn, data, today=TODAY)
    assert info.value.warnings_only
    assert [(e.field, e.code) for e in info.value.errors] == [("id_number", "id_region_unknown")]
    person = validate(PersonIn, data, accept=("id_region",), today=TODAY)
    assert (person.sex, person.birth_date) == ("M", date(1980, 1, 1))


def test_real_errors_are_not_warnings_only():
    number = make_resident_id("990101", date(1980, 1, 1), 11)
    with pytest.raises(InputError) as info:
        validate(PersonIn, {"household": UID, "name": "张三", "id_number": number, "sex": "F"},
                 today=TODAY)
    assert not info.value.warnings_only


def test_volunteer_region_warning_and_optional_id():
    number = make_resident_id("990101", date(1990, 1, 1), 12)
    data = {"name": "李娜", "id_number": number, "organisation": "团委"}
    with pytest.raises(InputError) as info:
        validate(VolunteerIn, data, today=TODAY)
    assert info.value.warnings_only
    assert validate(VolunteerIn, data, accept={"id_region"}, today=TODAY).id_number == number
    plain = validate(VolunteerIn, {"name": "李娜", "id_number": "", "phone": ""}, today=TODAY)
    assert (plain.id_number, plain.phone, plain.notes) == ("", "", "")


def test_visit_from_form_strings():
    visit = validate(VisitIn, {"household": UID.upper(), "visit_date": "-1",
                               "visitors": "李书记，王主任、 张干事;李书记", "purpose": "festival",
                               "cash": "500", "goods": "大米一袋，食用油一桶", "findings": "房屋漏雨\n需修缮",
                               "follow_up": "联系危房改造", "follow_up_due": "2024-04-01"},
                     today=TODAY)
    assert visit.household == UID
    assert visit.visitors == ["李书记", "王主任", "张干事"]
    assert (visit.visit_date, visit.cash, visit.follow_up_due) == \
        (date(2024, 2, 29), 50000, date(2024, 4, 1))
    assert visit.campaign is None


@pytest.mark.parametrize("extra, expected", [
    ({"follow_up": "跟进就医"}, [("follow_up_due", "follow_up_due_required")]),
    ({"follow_up": "跟进就医", "follow_up_due": "2024-02-01"},
     [("follow_up_due", "follow_up_before_visit")]),
    ({"visit_date": "2024-03-02"}, [("visit_date", "date_future")]),
    ({"visitors": ""}, [("visitors", "required")]),
    ({"visitors": ["", " "]}, [("visitors", "required")]),
    ({"visitors": ",".join(f"人员{chr(0x4e00 + i)}" for i in range(11))}, [("visitors", "too_many")]),
    ({"visitors": ["张" * 31]}, [("visitors", "too_long")]),
    ({"purpose": "chat"}, [("purpose", "not_in_list")]),
    ({"cash": "-5"}, [("cash", "money_negative")]),
    ({"campaign": "not-a-uuid"}, [("campaign", "bad_reference")]),
    ({"household": "12345"}, [("household", "bad_reference")]),
])
def test_visit_problems(extra, expected):
    data = {"household": UID, "visit_date": "2024-02-20", "visitors": "李书记", "purpose": "routine",
            **extra}
    assert problems(VisitIn, data) == expected


def test_follow_up_due_may_be_in_the_future():
    visit = validate(VisitIn, {"household": UID, "visit_date": "t", "visitors": ["李书记"],
                               "purpose": "help", "follow_up": "复查", "follow_up_due": "2024-06-01"},
                     today=TODAY)
    assert visit.follow_up_due == date(2024, 6, 1)


@pytest.mark.parametrize("extra, expected", [
    ({}, [("person", "person_or_household")]),
    ({"person": UID, "household": UID2}, [("person", "person_or_household")]),
    ({"person": UID, "end_date": "2023-12-31"}, [("end_date", "end_before_start")]),
    ({"person": UID, "amount": "170"}, [("period", "period_required")]),
    ({"person": UID, "category": "wubao"}, [("category", "unknown_category")]),
    ({"person": UID, "start_date": ""}, [("start_date", "required")]),
    ({"person": UID, "amount": "1.234", "period": "monthly"}, [("amount", "money_decimals")]),
])
def test_membership_problems(extra, expected):
    data = {"category": "urban_dibao", "start_date": "2024-01-01", **extra}
    assert problems(MembershipIn, data) == expected


def test_membership_valid():
    m = validate(MembershipIn, {"category": "城市低保", "household": UID, "start_date": "2024-01-01",
                                "end_date": "", "amount": "¥170", "period": "按月", "notes": ""},
                 today=TODAY)
    assert (m.category, m.person, m.household, m.amount, m.period, m.end_date) == \
        ("urban_dibao", None, UID, 17000, "monthly", None)
    free = validate(MembershipIn, {"category": "veteran", "person": UID, "start_date": "2020-01-01"},
                    today=TODAY)
    assert (free.amount, free.period) == (0, "")


def test_place_parent_rule():
    assert validate(PlaceIn, {"name": "城关镇", "level": "township"}, today=TODAY).parent is None
    assert problems(PlaceIn, {"name": "东关村", "level": "village"}) == [("parent", "required")]
    village = validate(PlaceIn, {"name": "东关村", "level": "村（社区）", "parent": UID,
                                 "code": "410102001001"}, today=TODAY)
    assert village.level == "village"
    assert problems(PlaceIn, {"name": "x", "level": "county"}) == [("level", "not_in_list")]


def test_household():
    h = validate(HouseholdIn, {"address": "幸福路１２号", "place": UID, "phone": "", "notes": "第一行\n第二行"},
                 today=TODAY)
    assert (h.address, h.phone, h.notes) == ("幸福路12号", "", "第一行\n第二行")
    assert problems(HouseholdIn, {"address": "", "place": ""}) == \
        [("address", "required"), ("place", "required")]
    assert problems(HouseholdIn, {"address": "a\u202eb", "place": UID}) == [("address", "control_chars")]


def test_campaign():
    c = validate(CampaignIn, {"name": "2024年春节慰问", "start_date": "2024-02-01",
                              "end_date": "2024-02-08", "purpose": "festival", "visitors": "李书记、王主任",
                              "default_cash": "500", "default_goods": "米、油", "budget": "13,000"},
                 today=TODAY)
    assert (c.visitors, c.default_cash, c.budget) == (["李书记", "王主任"], 50000, 1300000)
    assert problems(CampaignIn, {"name": "x", "start_date": "2024-02-08", "end_date": "2024-02-01",
                                 "purpose": "festival"}) == [("end_date", "end_before_start")]


def test_activity_and_participation():
    a = validate(ActivityIn, {"activity_date": "2023-08-01", "title": "八一慰问演出", "kind": "文艺演出",
                              "place": "社区广场", "organiser": "社区妇联", "partner_unit": "某部三连",
                              "default_hours": "2.5", "notes": ""}, today=TODAY)
    assert a.default_hours == Decimal("2.5")
    assert validate(ActivityIn, {"activity_date": "t", "title": "清扫营区"}, today=TODAY).default_hours \
        is None
    assert problems(ActivityIn, {"activity_date": "2024-03-05", "title": ""}) == \
        [("activity_date", "date_future"), ("title", "required")]
    p = validate(ParticipationIn, {"activity": UID, "volunteer": UID2, "hours": "3"}, today=TODAY)
    assert p.hours == Decimal("3.0")
    assert problems(ParticipationIn, {"activity": UID, "volunteer": UID2, "hours": "25"}) == \
        [("hours", "hours_range")]
    assert problems(ParticipationIn, {"activity": UID}) == \
        [("volunteer", "required"), ("hours", "required")]


@pytest.mark.parametrize("status, reason, ok", [
    ("closed", "", False), ("suspended", "", False), ("deceased", "", False),
    ("voided", "", False), ("closed", "迁往外省", True), ("active", "", True),
])
def test_status_change_reason(status, reason, ok):
    data = {"status": status, "reason": reason, "effective_date": "t"}
    if ok:
        assert validate(StatusChange, data, today=TODAY).effective_date == TODAY
    else:
        assert problems(StatusChange, data) == [("reason", "required")]


def test_today_comes_from_the_context():
    data = {"activity_date": "2030-01-01", "title": "未来活动"}
    assert validate(ActivityIn, data, today=date(2030, 1, 1)).activity_date == date(2030, 1, 1)
    assert problems(ActivityIn, data) == [("activity_date", "date_future")]


def test_models_forbid_extra_fields_and_say_which():
    with pytest.raises(InputError) as info:
        validate(ParticipationIn, {"activity": UID, "volunteer": UID, "hours": "1", "x": "1"})
    error = info.value.errors[0]
    assert (error.field, error.code) == ("x", "unknown_field")


def test_error_labels_are_per_record():
    with pytest.raises(InputError) as info:
        validate(PersonIn, {"household": UID, "name": "", "sex": "M", "birth_date": "1980-01-01"})
    assert info.value.messages("zh_CN") == ["姓名：不能为空"]
    assert info.value.messages("en") == ["Name: is required"]
    with pytest.raises(InputError) as info:
        validate(PlaceIn, {"name": "", "level": "township"})
    assert info.value.messages("zh_CN") == ["区域名称：不能为空"]


# ---------------------------------------------------------------- messages

ALL_CODES = [
    "required", "invalid", "too_long", "too_many", "control_chars", "not_a_number", "not_in_list",
    "unknown_field", "bad_reference", "name_digits", "id_legacy_15", "id_length", "id_chars",
    "id_birth_date", "id_birth_future", "id_checksum", "id_region_unknown", "id_birth_mismatch",
    "id_sex_mismatch", "phone_invalid", "money_negative", "money_decimals", "money_too_large",
    "date_invalid", "date_before_1900", "date_future", "hours_range", "hours_decimals",
    "unknown_category", "person_or_household", "end_before_start", "period_required",
    "follow_up_due_required", "follow_up_before_visit", "held_after_departure",
    "collector_required", "not_reached_nothing_given", "office_code",
    "bad_period", "account_not_digits", "account_length", "holder_mismatch",
    "unknown_category_hint", "unknown_category_named", "key_youfu_unset",
    "only_for_temporary_assistance", "only_for_unsafe_housing", "stage_backwards", "reason_only_for_closed",
]
PARAMS = {"max": 10, "length": 17, "region": "990101", "id_date": "1949-12-31", "date": "2024-03-01",
          "value": "2026Q5", "n": 11, "low": 12, "high": 30, "holder": "李四", "recipient": "张三丰",
          "hint": "农村低保", "current": "验收", "new": "施工"}


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_error_has_both_languages(code):
    error = FieldError("id_number", code, PARAMS)
    zh, en = error.message("zh_CN"), error.message("en")
    assert zh and en and zh != en
    assert f"err.{code}" not in zh and f"err.{code}" not in en
    assert zh.startswith("身份证号：") and en.startswith("ID number: ")


def test_every_code_raised_in_the_source_is_listed():
    raised = set()
    for path in DOMAIN_DIR.glob("*.py"):
        raised |= set(re.findall(r'FieldError\(\s*[^,()]+,\s*"([a-z0-9_]+)"', path.read_text("utf-8")))
        raised |= set(re.findall(r'"([a-z0-9_]+)" if kind', path.read_text("utf-8")))
    raised |= set(records._PYDANTIC_CODES.values())
    assert raised and raised <= set(ALL_CODES)


@pytest.mark.parametrize("field", sorted({
    name for model in (PlaceIn, HouseholdIn, PersonIn, MembershipIn, VisitIn, CampaignIn,
                       VolunteerIn, ActivityIn, ParticipationIn, StatusChange, StandardIn, AccountIn)
    for name in model.model_fields}))
def test_every_field_has_a_label(field):
    error = FieldError(field, "required")
    assert error.label("zh_CN") != field and error.label("en") != field


def test_checksum_message_example():
    error = FieldError("id_number", "id_checksum")
    assert error.message("zh_CN").startswith("身份证号：校验位不正确")
    assert error.message("en").startswith("ID number: the check character is wrong")


def test_input_error_joins_messages():
    error = InputError([FieldError("name", "required"), FieldError("id_number", "id_region_unknown",
                                                                   {"region": "990101"}, warning=True)])
    assert not error.warnings_only
    assert str(error).count("\n") == 1
    assert InputError([FieldError("id_number", "id_region_unknown", {"region": "1"}, warning=True)]) \
        .warnings_only
    assert not InputError([]).warnings_only


# ---------------------------------------------------------------- import hygiene

def test_domain_does_no_ui_or_storage_imports():
    code = ("import sys, tui_register.domain.records, tui_register.domain.ids; "
            "bad = [m for m in ('textual', 'peewee', 'rich') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
