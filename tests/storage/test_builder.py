"""The test register builder (tests/support/builder.py) writes through the storage functions:
every record it makes has its change-log row, as one the program made would."""

from __future__ import annotations

from datetime import date

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import ALICE, log_since, resident_id, table_counts


def test_every_record_built_has_its_change_log_row(reg):
    build = RegisterBuilder(reg, ALICE)
    grid = build.places("城关街道", "东关社区", "第一网格")
    home = build.household(grid, "人民路1号", "张三丰", id_number=resident_id(date(1950, 3, 4), 11),
                           members=[member("李秀英", sex="F", relation="spouse")],
                           categories=[category("urban_dibao", amount="590", period="monthly"),
                                       category("veteran", of_head=True)])
    campaign = build.campaign([home.uuid])
    build.visit(home.uuid, date(2025, 3, 1))
    build.campaign_visit(campaign.uuid, home.uuid, date(2025, 1, 22))
    build.participation(build.activity().uuid, build.volunteer("赵敏").uuid)

    created = {(row.entity, row.uuid) for row in log_since(0) if row.op == "create"}
    counts = table_counts()
    for entity in ("place", "household", "person", "membership", "campaign", "visit", "volunteer", "activity",
                   "participation"):
        assert len([uuid for kind, uuid in created if kind == entity]) == counts[entity], entity
    assert (counts["place"], counts["person"], counts["membership"], counts["visit"]) == (3, 2, 2, 2)
    assert not reg.is_closed()  # an open register is left open for the test


def test_a_register_it_opens_is_closed_at_the_end(db_path):
    with RegisterBuilder(db_path, ALICE) as build:
        build.place("城关街道", "township")
    assert build.db.is_closed()
