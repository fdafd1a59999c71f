"""Helpers for the interface tests of the visit register (走访, 慰问活动, 待办).

The register is the small demo of `tests.support.ui.build_register` (fixed seed and end date, the
households the household tests look for) plus what these tests need to know by name:

- two 优抚 households whose place on the due list depends on the configured interval:
  卫国强 (a veteran, last visited 2026-03-15: due at 90 days, not at 120 or more) and
  岳建军 (a veteran, last visited 2026-05-01: due at 30 days, not at 90);
- 司马光, a veteran in 西关社区 (a campaign built from "退役军人 in 西关社区" lists him);
- a campaign 2026年七一走访慰问 with a short list, two of its households visited (snapshots).

Written with `tests.support.builder.RegisterBuilder`; tests/ui/conftest.py builds it once per
session and copies it per test; the app always gets the fixed `today`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.support.builder import RegisterBuilder, category
from tests.support.ui import ALICE, OFFICE, TODAY, build_register, open_db

# Households added for these tests (head name, its pinyin initials).
WEI = "卫国强"  # wgq
YUE = "岳建军"  # yjj
SIMA = "司马光"  # smg
WEI_LAST_VISIT = date(2026, 3, 15)
YUE_LAST_VISIT = date(2026, 5, 1)
TARGET_CATEGORY = "veteran"  # 退役军人
TARGET_VILLAGE = "西关社区"

SNAP_CAMPAIGN = "2026年七一走访慰问"
SNAP_VISITED = 2


@dataclass(frozen=True)
class VisitRegister:
    path: Path
    two_char_uuid: str  # 聂芸 (initials ny): no visits, no categories
    wei_uuid: str
    yue_uuid: str
    sima_uuid: str
    snap_campaign_uuid: str


def _veteran(build: RegisterBuilder, place_uuid: str, address: str, name: str, last_visit: date | None) -> str:
    """A household whose head is a veteran, visited last on `last_visit` (None: never)."""
    household = build.household(place_uuid, address, name, sex="F", birth=date(1956, 3, 4),
                                categories=[category(TARGET_CATEGORY, of_head=True, start=date(2024, 1, 1))])
    if last_visit is not None:
        build.visit(household.uuid, last_visit, visitors="陈静", purpose="routine")
    return household.uuid


def build_visit_register(path: Path, households: int = 200) -> VisitRegister:
    from tui_register.storage.models import Place, database
    from tui_register.storage.visit_queries import households_for_targets

    base = build_register(path, households)
    with RegisterBuilder(path, ALICE, today=TODAY, create=False) as build:
        grids = list(Place.select().where(Place.level == "grid").order_by(Place.code))
        west = next(g for g in grids if g.path.split("/")[1] == TARGET_VILLAGE)
        east = next(g for g in grids if g.path.split("/")[1] != TARGET_VILLAGE)
        wei = _veteran(build, east.uuid, "拥军路1号", WEI, WEI_LAST_VISIT)
        yue = _veteran(build, east.uuid, "拥军路2号", YUE, YUE_LAST_VISIT)
        sima = _veteran(build, west.uuid, "拥军路3号", SIMA, None)

        # A campaign of the East village's veterans, two of them visited.
        campaign = build.campaign(
            households_for_targets([TARGET_CATEGORY], east.path.rsplit("/", 1)[0]), SNAP_CAMPAIGN,
            start_date="2026-06-25", end_date="2026-07-05", purpose="festival", visitors="王敏、李强",
            default_cash="300", default_goods="大米、食用油", budget="6000")
        targets = [u for (u,) in database.execute_sql(
            "SELECT h.uuid FROM campaign_target t JOIN household h ON h.id = t.household_id "
            "WHERE t.campaign_id = ? ORDER BY h.place_path, h.head_sort, h.id", (campaign.id,)).fetchall()]
        assert len(targets) >= SNAP_VISITED + 3, targets  # three not yet visited
        for uuid in targets[:SNAP_VISITED]:
            build.campaign_visit(campaign.uuid, uuid, date(2026, 6, 28))
        return VisitRegister(path, base.two_char_uuid, wei, yue, sima, campaign.uuid)


def make_visit_app(path: Path, *, language: str = "zh_CN", intervals: dict[str, int] | None = None,
                   today: date = TODAY):
    """A RegisterApp for alice on the register at `path`; `intervals` (category group or
    code = days) are written to a configuration file's `[visit_intervals]` table, which the
    settings merge over the defaults entry by entry."""
    from tui_register.config import load_settings
    from tui_register.i18n import set_language
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.services import staff as staff_service

    set_language(language)
    open_db(path)
    # Always this file, so that a file left by an earlier start is never found instead.
    config = path.parent / "tui-register.toml"
    config.write_text("[visit_intervals]\n" + "".join(f"{k} = {v}\n" for k, v in (intervals or {}).items()),
                      encoding="utf-8")
    settings = load_settings(config, environ={}, overrides={"db_path": str(path), "language": language,
                                                            "office_name": OFFICE}, cwd=path.parent)
    return RegisterApp(settings, ALICE, staff_service.role_of(ALICE), today=today)


# ---------------------------------------------------------------- keys


async def type_chars(pilot, text: str) -> None:
    """Type `text` in one burst (every character, punctuation included), then settle."""
    from tests.support.ui import _key_event as key_event
    from tests.support.ui import settle

    for ch in text:
        event = key_event(ch)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
    await settle(pilot)
