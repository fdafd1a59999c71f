"""storage/volunteer_queries.py: searching volunteers, keyset pages, hours per year and per
activity, and the participant look-up, on a small register written through the storage layer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tui_register.domain.records import ActivityIn, ParticipationIn, VolunteerIn, validate
from tui_register.storage import volunteer_queries as Q
from tui_register.storage import volunteers as VOL
from tui_register.storage.models import database

ALICE = "alice"
TODAY = date(2026, 6, 30)
NAMES = ("张三丰", "张珊", "李娜", "王小明", "赵敏", "欧阳娜娜", "周婷")


def volunteer(name: str, phone: str = "", organisation: str = ""):
    return VOL.add_volunteer(ALICE, validate(VolunteerIn, {"name": name, "phone": phone,
                                                           "organisation": organisation}))


def activity(day: date, title: str = "营区清扫", hours: str = "2", kind: str = "拥军"):
    data = {"activity_date": day.isoformat(), "title": title, "kind": kind, "default_hours": hours}
    return VOL.add_activity(ALICE, validate(ActivityIn, data, today=TODAY))


def take_part(act, vol, hours: str = "2"):
    return VOL.add_participation(ALICE, validate(ParticipationIn, {"activity": act.uuid, "volunteer": vol.uuid,
                                                                   "hours": hours}))


@pytest.fixture
def people(reg) -> dict[str, object]:
    found = {name: volunteer(name, f"1380000{i:04d}", "团员青年" if i % 2 else "妇联")
             for i, name in enumerate(NAMES)}
    return found


def names(rows) -> list[str]:
    return [r.name for r in rows]


@pytest.mark.parametrize("text, expected", [
    ("张", ["张三丰", "张珊"]),  # a part of the name; in pinyin order (zhangsanfeng, zhangshan)
    ("三丰", ["张三丰"]),
    ("zs", ["张三丰", "张珊"]),  # initials
    ("ZSF", ["张三丰"]),
    ("ｚｓｆ", ["张三丰"]),  # full-width from an IME
    ("zhangs", ["张三丰", "张珊"]),  # the start of the pinyin
    ("0003", ["王小明"]),  # phone digits
    ("娜", ["李娜", "欧阳娜娜"]),
    ("oy 娜", ["欧阳娜娜"]),  # every term must match
    ("xyz", []),
])
def test_search(people, text, expected):
    assert names(Q.volunteer_page(text, 2026)) == expected
    assert Q.volunteer_count(text) == len(expected)


def test_keyset_pages_forward_back_and_last(people):
    everything = names(Q.volunteer_page("", 2026, limit=100))
    assert len(everything) == len(NAMES)
    first = Q.volunteer_page("", 2026, limit=3)
    second = Q.volunteer_page("", 2026, after=first[-1].key(), limit=3)
    assert names(first + second) == everything[:6]
    assert names(Q.volunteer_page("", 2026, before=second[0].key(), limit=3)) == names(first)
    assert names(Q.volunteer_page("", 2026, last=True, limit=3)) == everything[-3:]


def test_hours_per_year_and_per_activity(people):
    zhang, li = people["张三丰"], people["李娜"]
    old = activity(date(2025, 12, 30), "年末走访")
    new = activity(date(2026, 3, 5), "学雷锋", hours="2.5")
    take_part(old, zhang, "3")
    take_part(new, zhang, "2.5")
    part = take_part(new, li, "2.5")
    VOL.set_participation_hours(ALICE, part.uuid, part.version, Decimal("4"))

    rows = {r.name: r for r in Q.volunteer_page("", 2026)}
    assert rows["张三丰"].year_tenths == 25 and rows["李娜"].year_tenths == 40 and rows["周婷"].year_tenths == 0
    assert {r.name: r.year_tenths for r in Q.volunteer_page("", 2025)}["张三丰"] == 30

    detail = Q.volunteer_detail(zhang.uuid)
    assert detail.years == [Q.YearHours(2026, 1, 25), Q.YearHours(2025, 1, 30)]
    assert (detail.activities, detail.tenths) == (2, 55)
    assert [(r.title, r.tenths) for r in Q.service_page(zhang.uuid)] == [("学雷锋", 25), ("年末走访", 30)]

    assert [(r.title, r.participants, r.tenths) for r in Q.activity_page()] == [
        ("学雷锋", 2, 65), ("年末走访", 1, 30)]
    summary = Q.activity_detail(new.uuid)
    assert (summary.activity.title, summary.participants, summary.tenths) == ("学雷锋", 2, 65)
    assert [(r.name, r.tenths) for r in Q.participant_page(new.uuid)] == [("张三丰", 25), ("李娜", 40)]
    assert Q.volunteer_detail("00000000-0000-4000-8000-000000000000") is None


def test_voided_participations_and_activities_count_nowhere(people):
    zhang = people["张三丰"]
    act = activity(date(2026, 4, 1))
    part = take_part(act, zhang)
    voided = activity(date(2026, 4, 2), "作废的活动")
    take_part(voided, zhang)
    database.execute_sql("UPDATE activity SET status = 'voided' WHERE uuid = ?", (voided.uuid,))
    assert Q.volunteer_detail(zhang.uuid).tenths == 20
    database.execute_sql("UPDATE participation SET status = 'voided' WHERE uuid = ?", (part.uuid,))
    assert Q.volunteer_detail(zhang.uuid).years == []
    assert Q.volunteer_page("zsf", 2026)[0].year_tenths == 0
    assert Q.activity_page()[0].participants == 0 and Q.participant_page(act.uuid) == []
    assert [r.title for r in Q.activity_page()] == [act.title]


def test_activity_pages_newest_first(reg):
    made = [activity(date(2026, 1, day), f"活动{day}") for day in (3, 1, 2, 2)]
    titles = [r.title for r in Q.activity_page(limit=100)]
    assert titles == ["活动3", "活动2", "活动2", "活动1"]
    first = Q.activity_page(limit=2)
    rest = Q.activity_page(after=first[-1].key(), limit=2)
    assert [r.uuid for r in first + rest] == [made[0].uuid, made[3].uuid, made[2].uuid, made[1].uuid]
    assert [r.uuid for r in Q.activity_page(before=rest[0].key(), limit=2)] == [r.uuid for r in first]
    assert [r.uuid for r in Q.activity_page(last=True, limit=2)] == [r.uuid for r in rest]


def test_participants_in_the_order_added_and_paged(people):
    act = activity(date(2026, 5, 1))
    for name in ("赵敏", "李娜", "张三丰"):
        take_part(act, people[name])
    assert names(Q.participant_page(act.uuid)) == ["赵敏", "李娜", "张三丰"]
    first = Q.participant_page(act.uuid, limit=2)
    assert names(Q.participant_page(act.uuid, after=first[-1].key(), limit=2)) == ["张三丰"]
    assert names(Q.participant_page(act.uuid, last=True, limit=2)) == ["李娜", "张三丰"]


def test_lookup_puts_exact_matches_first_and_marks_participants(people):
    act = activity(date(2026, 5, 1))
    volunteer("张苏")  # initials zs exactly, like 张珊
    take_part(act, people["张珊"])
    found = Q.volunteer_lookup("zs", act.uuid)
    assert [(m.name, m.taking_part) for m in found] == [("张珊", True), ("张苏", False), ("张三丰", False)]
    assert [m.name for m in Q.volunteer_lookup("张三丰", act.uuid)] == ["张三丰"]
    assert [m.name for m in Q.volunteer_lookup("zs", act.uuid, limit=1)] == ["张珊"]
    assert Q.volunteer_lookup("  ", act.uuid) == []
    database.execute_sql("UPDATE volunteer SET status = 'inactive' WHERE name = '张苏'")
    assert "张苏" not in [m.name for m in Q.volunteer_lookup("zs", act.uuid)]


def test_remembered_choices_most_used_first(people):
    activity(date(2026, 5, 1), kind="拥军")
    activity(date(2026, 5, 2), kind="为老")
    activity(date(2026, 5, 3), kind="为老")
    choices = Q.remembered_choices()
    assert choices["organisation"] == ["妇联", "团员青年"]  # 4 and 3 volunteers
    assert choices["kind"] == ["为老", "拥军"]
    assert choices["partner_unit"] == []
