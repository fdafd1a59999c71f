"""The demo generator: what the write path could have written, derived columns by the write
path's function, `check` catching the rows it must not hold, progress from the start."""

from __future__ import annotations

from datetime import date

from tui_register import demo, i18n
from tui_register.storage import households as H
from tui_register.storage import integrity
from tui_register.storage.models import Household, database

UNTIL = date(2026, 11, 1)


def rows(sql: str, params: tuple = ()) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


def derived(hid: int) -> tuple:
    return rows(f"SELECT {', '.join(H.DERIVED_COLUMNS)} FROM household WHERE id = ?", (hid,))[0]


def test_demo_passes_check_and_holds_only_what_the_write_path_allows(reg):
    demo.generate(300, user="alice", until=UNTIL)
    assert integrity.check() == []
    # No membership of a deceased person in force after the death, no second campaign visit.
    assert rows("SELECT count(*) FROM membership m JOIN person p ON p.id = m.person_id "
                "WHERE p.status != 'active' AND m.status != 'voided' "
                "AND (m.end_date IS NULL OR m.end_date > p.status_date OR m.start_date > p.status_date)") == [(0,)]
    assert rows("SELECT count(*) FROM (SELECT 1 FROM visit WHERE status = 'valid' AND campaign_id IS NOT NULL "
                "GROUP BY household_id, campaign_id HAVING count(*) > 1)") == [(0,)]
    assert rows("SELECT count(*) FROM person WHERE status = 'deceased'")[0][0] > 0, "the case is exercised"
    for code, counts in integrity.counts_per_category().items():
        if code.startswith("tekun"):
            assert counts["households"] <= counts["persons"], code


def test_bulk_derived_columns_are_the_write_paths(reg):
    demo.generate(40, user="alice", until=UNTIL)
    for household in Household.select().order_by(Household.id):
        before = derived(household.id)
        H.refresh_household(household)
        assert derived(household.id) == before


def test_check_names_a_household_whose_head_name_was_edited(reg):
    demo.generate(20, user="alice", until=UNTIL)
    (uuid, name), = rows("SELECT uuid, head_name FROM household ORDER BY id LIMIT 1")
    database.execute_sql("UPDATE household SET head_name = '张冒名' WHERE uuid = ?", (uuid,))
    database.execute_sql("UPDATE household SET member_count = member_count + 1 WHERE id = 2")
    problems = integrity.check()
    assert len(problems) == 2
    assert uuid in problems[0] and "head_name" in problems[0] and "张冒名" in problems[0] and name in problems[0]
    assert "member_count" in problems[1]


def test_check_reports_a_membership_after_the_death_and_a_second_campaign_visit(reg):
    demo.generate(60, user="alice", until=UNTIL)
    membership, person, start = rows(
        "SELECT m.uuid, p.id, m.start_date FROM membership m JOIN person p ON p.id = m.person_id "
        "WHERE m.status = 'active' AND p.status = 'active' ORDER BY m.id LIMIT 1")[0]
    database.execute_sql("UPDATE person SET status = 'deceased', status_reason = '病故', status_date = ? "
                         "WHERE id = ?", (start, person))  # in force after the death, as the old demo had
    visit = rows("SELECT id, household_id FROM visit WHERE status = 'valid' AND campaign_id IS NOT NULL "
                 "ORDER BY id LIMIT 1")[0]
    columns = [r[1] for r in rows("PRAGMA table_info(visit)") if r[1] not in ("id", "uuid")]
    cols = ", ".join(columns)
    database.execute_sql(f"INSERT INTO visit (uuid, {cols}) SELECT lower(hex(randomblob(16))), {cols} "
                         f"FROM visit WHERE id = ?", (visit[0],))
    household, campaign = rows("SELECT h.uuid, c.name FROM visit v JOIN household h ON h.id = v.household_id "
                               "JOIN campaign c ON c.id = v.campaign_id WHERE v.id = ?", (visit[0],))[0]
    i18n.set_language("en")
    problems = integrity.check()
    assert [p for p in problems if membership in p and start in p and "died or moved out" in p]
    assert [p for p in problems if household in p and campaign in p and "2 valid visits" in p]


def test_demo_reports_progress_from_the_start_and_in_each_phase(reg):
    reports = []

    def report(done: int, total: int) -> None:
        written = rows("SELECT count(*) FROM household")[0][0]
        pending = rows("SELECT count(*) FROM pending_index")[0][0]
        reports.append((done, total, written, pending))

    demo.generate(1200, user="alice", until=UNTIL, on_progress=report, flush_every=1000)
    assert reports[0] == (0, 1200, 0, 0), "before any work, even setting the indexes aside"
    during = [r for r in reports if 0 < r[0] < 1200]
    assert during and during[0][2] < 1000, "a report before the first thousand households are written"
    assert [r[0] for r in reports] == sorted(r[0] for r in reports)
    assert reports[-1] == (1200, 1200, 1200, 0), "100% only once the indexes are built again"
