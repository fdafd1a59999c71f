"""Category groups and lists: one parser for every path that takes a category filter."""

from __future__ import annotations

import pytest

from tui_register import i18n
from tui_register.domain.categories import category_groups, parse_categories
from tui_register.domain.errors import FieldError

YOUFU = ("martyr_family", "duty_death_family", "illness_death_family", "disabled_serviceman",
         "demobilised_in_village", "ill_returned_veteran", "war_and_test_veteran", "serving_family",
         "veteran", "separated_personnel")


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh_CN")


@pytest.mark.parametrize("typed, codes", [
    ("youfu", YOUFU),
    ("优抚对象", YOUFU),
    ("低保", ("urban_dibao", "rural_dibao")),  # not 低保边缘户
    ("dibao", ("urban_dibao", "rural_dibao")),
    ("特困", ("tekun_centralised", "tekun_dispersed")),
    ("残疾人", ("severe_disability", "tekun_disability")),
    ("urban_dibao,rural_dibao", ("urban_dibao", "rural_dibao")),
    ("农村低保，城市低保", ("urban_dibao", "rural_dibao")),  # catalog order, full-width comma
    ("城市低保、孤儿 ; orphan", ("urban_dibao", "orphan")),  # each once
    ("Urban minimum living allowance", ("urban_dibao",)),
    ("特困供养（集中）", ("tekun_centralised",)),  # the IME's full-width brackets
    ("低保,urban_dibao", ("urban_dibao", "rural_dibao")),
    ("", ()),
])
def test_names_groups_and_lists(typed, codes):
    assert parse_categories(typed) == codes


def test_all_categories_and_a_sequence():
    assert len(parse_categories("全部对象")) == len(category_groups()[-1].codes) == 21
    assert parse_categories(["低保", "veteran"]) == ("urban_dibao", "rural_dibao", "veteran")


def test_key_youfu_comes_from_the_configuration():
    assert parse_categories("重点优抚对象", key_youfu=["veteran", "martyr_family"]) == ("martyr_family", "veteran")
    with pytest.raises(FieldError) as unset:
        parse_categories("key_youfu")
    assert unset.value.code == "key_youfu_unset"
    assert "key_youfu" in unset.value.message() and "对象类别" in unset.value.message()


def test_an_unknown_name_is_named_with_the_nearest_valid_one():
    with pytest.raises(FieldError) as typo:
        parse_categories("城市低保,农村低宝")
    assert typo.value.field == "category"
    assert typo.value.message() == "对象类别：“农村低宝”不是对象类别或类别组，是不是“农村低保”？"
    i18n.set_language("en")
    with pytest.raises(FieldError) as english:
        parse_categories("youfo")
    assert english.value.message() == (
        "Category: “youfo” is not a category or a group of categories; did you mean “youfu”?")
    with pytest.raises(FieldError) as nothing:
        parse_categories("xyz")
    assert nothing.value.code == "unknown_category_named" and "“xyz”" in nothing.value.message()
