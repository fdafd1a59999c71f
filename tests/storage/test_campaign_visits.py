"""One visit that counts per household and campaign, on every write path; correcting a visit;
the outcomes of an exception: not reached (未遇) and collected by someone else (代领)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.records import ALICE, campaign_in, household_in, log_since, max_seq, person_in, place_in, visit_in
from tui_register.domain.errors import InputError
from tui_register.domain.records import VisitIn, validate
from tui_register.storage import households as H
from tui_register.storage import visit_queries as Q
from tui_register.storage import visits as V
from tui_register.storage.core import ConflictError, RuleViolation
from tui_register.storage.models import Household, Visit


@pytest.fixture
def world(reg):
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    village = H.create_place(ALICE, place_in("东关社区", "village", township.uuid))
    grid = H.create_place(ALICE, place_in("第一网格", "grid", village.uuid))
    hh = H.create_household(ALICE, household_in(grid.uuid, "人民路1号"), person_in(None, "张三"))
    campaign = V.create_campaign(ALICE, campaign_in(), [hh.uuid])
    return hh, campaign


def campaign_visit_in(hh, campaign, **extra) -> VisitIn:
    data = {"household": hh.uuid, "visit_date": "2025-01-26", "visitors": "王敏", "purpose": "festival",
            "campaign": campaign.uuid, "cash": "300"} | extra
    return validate(VisitIn, data)


def counted(hh, campaign) -> list[Visit]:
    return list(Visit.select().where((Visit.household == hh.id) & (Visit.campaign == campaign.id)
                                     & Visit.counted()))


# ---------------------------------------------------------------- never paid twice

@pytest.mark.parametrize("first", ["one_key", "form"])
@pytest.mark.parametrize("second", ["one_key", "form", "proxy"])
def test_a_second_visit_in_a_campaign_is_refused_by_every_path(world, first, second):
    hh, campaign = world
    write = {
        "one_key": lambda: V.campaign_visit(ALICE, campaign.uuid, hh.uuid, date(2025, 1, 25)),
        "form": lambda: V.add_visit(ALICE, campaign_visit_in(hh, campaign, cash="500")),
        "proxy": lambda: V.add_visit(ALICE, campaign_visit_in(hh, campaign, outcome="proxy", collector="张小三")),
    }
    write[first]()
    seq = max_seq()
    with pytest.raises(RuleViolation) as info:
        write[second]()
    assert info.value.key == "storage.already_visited_campaign"
    # The message names the visit already there: its date, visitors and cash.
    existing = counted(hh, campaign)[0]
    message = info.value.message("zh_CN")
    assert existing.visit_date.isoformat() in message and existing.visitors in message
    assert "¥" in message and "已于" in message
    assert len(counted(hh, campaign)) == 1 and log_since(seq) == []
    assert Q.campaign_progress(campaign.uuid).cash_fen == existing.cash_fen


def test_after_voiding_the_visit_the_household_can_be_visited_again(world):
    hh, campaign = world
    visit = V.campaign_visit(ALICE, campaign.uuid, hh.uuid, date(2025, 1, 25))
    V.void_visit(ALICE, visit.uuid, visit.version, "录错户")
    V.add_visit(ALICE, campaign_visit_in(hh, campaign))
    assert len(counted(hh, campaign)) == 1


def test_visits_outside_campaigns_are_not_limited(world):
    hh, _campaign = world
    V.add_visit(ALICE, visit_in(hh.uuid, date(2025, 3, 1)))
    V.add_visit(ALICE, visit_in(hh.uuid, date(2025, 3, 1)))
    assert Q.visit_totals(Q.VisitFilter(household=hh.uuid)).visits == 2


# ---------------------------------------------------------------- correcting a visit

def test_update_visit_changes_it_with_version_and_change_log(world):
    hh, campaign = world
    visit = V.campaign_visit(ALICE, campaign.uuid, hh.uuid, date(2025, 1, 25))
    seq = max_seq()
    updated = V.update_visit(ALICE, visit.uuid, 1,
                             campaign_visit_in(hh, campaign, cash="500", visit_date="2025-01-27"))
    assert (updated.version, updated.cash_fen, updated.visit_date) == (2, 50000, date(2025, 1, 27))
    [row] = log_since(seq)
    assert (row.entity, row.uuid, row.op, row.version, row.base_version) == ("visit", visit.uuid, "update", 2, 1)
    assert row.snapshot["cash_fen"] == 50000 and row.snapshot["campaign"] == campaign.uuid
    assert len(counted(hh, campaign)) == 1
    assert Q.campaign_progress(campaign.uuid).cash_fen == 50000
    assert Household.get_by_id(hh.id).last_visit == date(2025, 1, 27)
    with pytest.raises(ConflictError):
        V.update_visit("alice", visit.uuid, 1, campaign_visit_in(hh, campaign, cash="400"))


# ---------------------------------------------------------------- not reached, collected by someone else

def test_not_reached_counts_nowhere_and_stays_open(world):
    hh, campaign = world
    V.add_visit(ALICE, campaign_visit_in(hh, campaign, cash="", outcome="not_reached"))
    V.add_visit(ALICE, campaign_visit_in(hh, campaign, cash="", outcome="未遇（不在家）", visit_date="2025-01-27"))
    assert Q.visit_totals(Q.VisitFilter()) == Q.VisitTotals(0, 0, 0)
    assert (Q.campaign_progress(campaign.uuid).visited, Q.campaign_progress(campaign.uuid).cash_fen) == (0, 0)
    assert Household.get_by_id(hh.id).last_visit is None
    [row] = Q.campaign_targets(campaign.uuid)
    assert (row.visit_date, row.outcome) == (None, "not_reached")
    # Open: the one key records the visit later.
    V.campaign_visit(ALICE, campaign.uuid, hh.uuid, date(2025, 1, 28))
    [row] = Q.campaign_targets(campaign.uuid)
    assert (row.visit_date, row.outcome, row.cash_fen) == (date(2025, 1, 28), "visited", 30000)
    assert Q.visit_totals(Q.VisitFilter()) == Q.VisitTotals(1, 1, 30000)


def test_not_reached_gives_nothing_and_a_proxy_names_the_collector(world):
    hh, campaign = world
    with pytest.raises(InputError) as info:
        campaign_visit_in(hh, campaign, outcome="not_reached", goods="大米")
    assert {(e.field, e.code) for e in info.value.errors} == {
        ("cash", "not_reached_nothing_given"), ("goods", "not_reached_nothing_given")}
    with pytest.raises(InputError) as info:
        campaign_visit_in(hh, campaign, outcome="proxy")
    assert [(e.field, e.code) for e in info.value.errors] == [("collector", "collector_required")]
    assert info.value.messages("zh_CN") == ["代领人：代领时必须填写代领人姓名"]
    seq = max_seq()
    visit = V.add_visit(ALICE, campaign_visit_in(hh, campaign, outcome="代领", collector="张小三"))
    assert (visit.outcome, visit.collector) == ("proxy", "张小三")
    assert (log_since(seq)[0].snapshot["outcome"], log_since(seq)[0].snapshot["collector"]) == ("proxy", "张小三")
    assert Q.campaign_progress(campaign.uuid).visited == 1
    # The collector of a plain visit is not kept.
    assert campaign_visit_in(hh, campaign, collector="某人").collector == ""


def test_the_snapshot_of_each_outcome_passes_the_hubs_check(world):
    from tui_register.domain.snapshots import check_snapshot

    hh, campaign = world
    seq = max_seq()
    V.add_visit(ALICE, campaign_visit_in(hh, campaign, cash="", outcome="not_reached"))
    V.add_visit(ALICE, campaign_visit_in(hh, campaign, outcome="proxy", collector="张小三"))
    rows = log_since(seq)
    assert [r.snapshot["outcome"] for r in rows] == ["not_reached", "proxy"]
    assert [check_snapshot("visit", r.snapshot) for r in rows] == [[], []]
    # A proxy without its collector is refused, as the form refuses it.
    bad = rows[1].snapshot | {"collector": ""}
    assert [e.field for e in check_snapshot("visit", bad)] == ["collector"]


# ---------------------------------------------------------------- schema v7 on an older register

def test_visits_logged_before_v7_read_as_visited_and_pass_the_check(tmp_path):
    import sqlite3

    from tests.storage.test_migrations import U_HOUSEHOLD, _common, _insert, _log, build_v1
    from tui_register.storage import integrity
    from tui_register.storage.db import open_database

    path = tmp_path / "old.db"
    build_v1(path)
    u_visit = "60000000-0000-4000-8000-000000000000"
    snap = dict(_common(u_visit), household=U_HOUSEHOLD, visit_date="2024-01-01", visitors="王敏",
                purpose="routine", cash_fen=20000, goods="", findings="", follow_up="", follow_up_due=None,
                follow_up_done=None, campaign=None, status="valid", status_reason="")
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN")
        _insert(conn, "visit", dict(id=1, **{k: v for k, v in snap.items() if k not in ("household", "campaign")},
                                    household_id=1, campaign_id=None))
        _log(conn, "visit", snap)
        # As the write path of that version left it: the household's derived last visit.
        conn.execute("UPDATE household SET last_visit = '2024-01-01' WHERE id = 1")
        conn.execute("COMMIT")
    finally:
        conn.close()

    db = open_database(path)
    try:
        visit = Visit.get(Visit.uuid == u_visit)
        assert (visit.outcome, visit.collector) == ("visited", "")
        assert integrity.check() == []
        assert Q.visit_totals(Q.VisitFilter()) == Q.VisitTotals(1, 1, 20000)
        # A record whose stored outcome differs from its snapshot is still found.
        db.execute_sql("UPDATE visit SET outcome = 'not_reached' WHERE uuid = ?", (u_visit,))
        problems = integrity.check()
        assert any(u_visit in p and p.startswith("visit ") for p in problems), problems
    finally:
        db.close()


def test_the_demo_data_keeps_one_visit_per_household_and_campaign(reg):
    from tui_register import demo
    from tui_register.storage.models import database

    demo.generate(300, seed=1, user=ALICE, until=date(2026, 6, 30))
    twice = database.execute_sql(
        "SELECT campaign_id, household_id FROM visit v WHERE campaign_id IS NOT NULL AND "
        "v.status = 'valid' AND v.outcome != 'not_reached' GROUP BY campaign_id, household_id "
        "HAVING count(*) > 1").fetchall()
    assert twice == []
    assert database.execute_sql("SELECT count(*) FROM visit WHERE campaign_id IS NOT NULL").fetchone()[0] > 300
