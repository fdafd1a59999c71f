"""The read queries of the visit register (storage/visit_queries.py) on a small register whose
figures are known: totals, a campaign's progress and checklist, and the due list.

The register (built once, copied per test):
- 城关街道 / 东关社区 / 第一网格; three households: 张三 and 李四 (veterans since 2024-01-01),
  王五 (no category);
- campaign 2025年春节走访慰问 (¥300 per household, budget ¥30,000) with all three as targets;
- 张三: the campaign visit with the defaults on 2025-01-25 (¥300);
- 李四: not reached (未遇) on 2025-01-25, then collected by his son 李小四 (代领) on 2025-01-27 (¥300);
- 王五: a routine visit on 2025-03-01 with a follow-up due 2025-03-15, and a visit of
  2025-02-01 (¥500) voided.
So: 3 visits (人次), 3 households, ¥600; the campaign 2 of 3 visited, ¥600.
"""

from __future__ import annotations

import shutil
from datetime import date
from types import SimpleNamespace

import pytest

from tests.support.records import ALICE, campaign_in, household_in, membership_in, person_in, place_in, visit_in
from tui_register.domain.records import VisitIn, validate
from tui_register.storage import households as H
from tui_register.storage import visit_queries as Q
from tui_register.storage import visits as V
from tui_register.storage.models import Household, Person
from tui_register.storage.register import open_register

VETERAN = "veteran"


def _household(grid: str, address: str, name: str, veteran: bool) -> Household:
    hh = H.create_household(ALICE, household_in(grid, address), person_in(None, name))
    if veteran:
        head = Person.get((Person.household == hh) & (Person.relation == "head"))
        H.add_membership(ALICE, membership_in(VETERAN, person=head.uuid, start=date(2024, 1, 1)))
    return hh


def _build() -> SimpleNamespace:
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    village = H.create_place(ALICE, place_in("东关社区", "village", township.uuid))
    grid = H.create_place(ALICE, place_in("第一网格", "grid", village.uuid))
    zhang = _household(grid.uuid, "人民路1号", "张三", True)
    li = _household(grid.uuid, "人民路2号", "李四", True)
    wang = _household(grid.uuid, "人民路3号", "王五", False)
    campaign = V.create_campaign(ALICE, campaign_in(), [zhang.uuid, li.uuid, wang.uuid])
    V.campaign_visit(ALICE, campaign.uuid, zhang.uuid, date(2025, 1, 25))
    V.add_visit(ALICE, validate(VisitIn, {"household": li.uuid, "visit_date": "2025-01-25", "visitors": "王敏",
                                          "purpose": "festival", "campaign": campaign.uuid,
                                          "outcome": "not_reached"}))
    V.add_visit(ALICE, validate(VisitIn, {"household": li.uuid, "visit_date": "2025-01-27", "visitors": "王敏",
                                          "purpose": "festival", "campaign": campaign.uuid, "cash": "300",
                                          "goods": "大米", "outcome": "proxy", "collector": "李小四"}))
    V.add_visit(ALICE, visit_in(wang.uuid, date(2025, 3, 1), follow_up="联系维修房屋", due=date(2025, 3, 15)))
    voided = V.add_visit(ALICE, visit_in(wang.uuid, date(2025, 2, 1), cash="500"))
    V.void_visit(ALICE, voided.uuid, 1, "录入重复")
    return SimpleNamespace(zhang=zhang.uuid, li=li.uuid, wang=wang.uuid, campaign=campaign.uuid,
                           path="城关街道/东关社区/第一网格")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("visit_queries") / "template.db"
    db = open_register(path, ALICE)
    try:
        known = _build()
    finally:
        db.close()
    return path, known


@pytest.fixture
def known(template, db_path):
    path, known = template
    shutil.copyfile(path, db_path)
    db = open_register(db_path, ALICE)
    yield known
    db.close()


# ---------------------------------------------------------------- totals

def test_totals_count_visits_households_and_cash_without_voided_or_not_reached(known):
    assert Q.visit_totals(Q.VisitFilter()) == Q.VisitTotals(visits=3, households=3, cash_fen=60000)


def test_totals_follow_the_filter(known):
    assert Q.visit_totals(Q.VisitFilter(campaign=known.campaign)) == Q.VisitTotals(2, 2, 60000)
    assert Q.visit_totals(Q.VisitFilter(purpose="routine")) == Q.VisitTotals(1, 1, 0)
    assert Q.visit_totals(Q.VisitFilter(date_from=date(2025, 1, 26), date_to=date(2025, 2, 28))) == (
        Q.VisitTotals(1, 1, 30000))
    assert Q.visit_totals(Q.VisitFilter(category=VETERAN)) == Q.VisitTotals(2, 2, 60000)
    assert Q.visit_totals(Q.VisitFilter(category="youfu")) == Q.VisitTotals(2, 2, 60000)  # the group holds it
    assert Q.visit_totals(Q.VisitFilter(category="dibao")) == Q.VisitTotals(0, 0, 0)
    assert Q.visit_totals(Q.VisitFilter(household=known.wang)) == Q.VisitTotals(1, 1, 0)
    # Voided visits may be listed, but never count.
    assert Q.visit_totals(Q.VisitFilter(household=known.wang, include_voided=True)) == Q.VisitTotals(1, 1, 0)


def test_the_visit_list_shows_the_attempt_but_marks_its_outcome(known):
    rows = Q.visit_page(Q.VisitFilter(household=known.li))
    assert [(r.visit_date, r.outcome, r.collector, r.cash_fen) for r in rows] == [
        (date(2025, 1, 27), "proxy", "李小四", 30000), (date(2025, 1, 25), "not_reached", "", 0)]
    assert [r.visit_date for r in Q.visit_page(Q.VisitFilter(household=known.wang, include_voided=True))] == [
        date(2025, 3, 1), date(2025, 2, 1)]
    assert [r.visit_date for r in Q.visit_page(Q.VisitFilter(household=known.wang))] == [date(2025, 3, 1)]


# ---------------------------------------------------------------- campaigns

def test_campaign_progress(known):
    p = Q.campaign_progress(known.campaign)
    assert (p.campaign.uuid, p.targets, p.visited, p.cash_fen) == (known.campaign, 3, 2, 60000)
    [listed] = Q.campaigns()
    assert (listed.targets, listed.visited, listed.cash_fen) == (3, 2, 60000)


def test_a_household_not_reached_is_open_on_the_checklist_and_in_the_progress(known):
    # Before the proxy visit: li was only not reached.
    from tui_register.storage.models import Visit

    proxy = Visit.get(Visit.collector == "李小四")
    V.void_visit(ALICE, proxy.uuid, proxy.version, "录错")
    p = Q.campaign_progress(known.campaign)
    assert (p.visited, p.cash_fen) == (1, 30000)
    rows = {r.head_name: r for r in Q.campaign_targets(known.campaign)}
    assert (rows["李四"].visit_date, rows["李四"].outcome, rows["李四"].visit_uuid) == (None, "not_reached", None)
    assert Q.visit_totals(Q.VisitFilter(campaign=known.campaign)) == Q.VisitTotals(1, 1, 30000)
    assert Household.get(Household.uuid == known.li).last_visit is None, "an attempt is not a last visit"


def test_the_checklist_rows(known):
    rows = Q.campaign_targets(known.campaign)
    # In place and name (pinyin) order.
    assert [(r.head_name, r.visit_date, r.cash_fen, r.outcome) for r in rows] == [
        ("李四", date(2025, 1, 27), 30000, "proxy"), ("王五", None, 0, ""),
        ("张三", date(2025, 1, 25), 30000, "visited")]
    assert rows[2].visit_uuid and rows[2].visit_version == 1 and rows[1].visit_uuid is None
    assert [r.head_name for r in Q.campaign_targets(known.campaign, after=rows[0].sort_key)] == ["王五", "张三"]
    assert [r.head_name for r in Q.campaign_targets(known.campaign, "王五")] == ["王五"]


def test_households_for_targets(known):
    assert set(Q.households_for_targets([VETERAN], known.path)) == {known.zhang, known.li}
    assert set(Q.households_for_targets([], "城关街道")) == {known.zhang, known.li, known.wang}
    assert Q.households_for_targets([], "城关街道/西关社区") == []


# ---------------------------------------------------------------- due list

def test_due_list_follow_ups_and_periodic_visits(known):
    due = Q.due_list(date(2025, 3, 20), lambda code, group: 30 if code == VETERAN else 0)
    assert [(i.kind, i.due, i.head_name, i.last) for i in due.items] == [
        ("periodic", date(2025, 2, 24), "张三", date(2025, 1, 25)),
        ("periodic", date(2025, 2, 26), "李四", date(2025, 1, 27)),
        ("follow_up", date(2025, 3, 15), "王五", None)]
    assert (due.follow_ups, due.periodic) == (1, 2)
    assert all(i.overdue(date(2025, 3, 20)) for i in due.items)


def test_due_list_horizon_and_longer_intervals(known):
    # At 60 days the veterans are due on 2025-03-26 and 03-28, the follow-up on 03-15: a day
    # comes on the list a week ahead.
    interval = lambda code, group: 60 if code == VETERAN else 0  # noqa: E731
    assert [i.head_name for i in Q.due_list(date(2025, 3, 21), interval).items] == ["王五", "张三", "李四"]
    assert [i.head_name for i in Q.due_list(date(2025, 3, 8), interval).items] == ["王五"]
    assert [i.head_name for i in Q.due_list(date(2025, 3, 19), interval).items] == ["王五", "张三"]
    assert Q.due_list(date(2025, 3, 1), interval).items == []


def test_the_checklist_pages_both_ways_and_reads_its_last_page(known):
    names = lambda rows: [r.head_name for r in rows]  # noqa: E731
    first = Q.campaign_targets(known.campaign, limit=2)
    assert names(first) == ["李四", "王五"]
    assert names(Q.campaign_targets(known.campaign, last=True, limit=2)) == ["王五", "张三"]
    last = Q.campaign_targets(known.campaign, after=first[-1].sort_key, limit=2)
    assert names(last) == ["张三"]
    assert names(Q.campaign_targets(known.campaign, before=last[0].sort_key, limit=2)) == ["李四", "王五"]
    assert Q.campaign_targets(known.campaign, before=first[0].sort_key) == []
    [zhang] = last
    assert (zhang.visit.visitors, zhang.visit.purpose, zhang.visit.goods) == ("王敏、李强", "festival", "大米")
