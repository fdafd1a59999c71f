"""Kinds of assistance and repair reach a real hub on 127.0.0.1 with their membership, and a
repair's later stage follows."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builder import RegisterBuilder
from tests.support.records import ALICE
from tests.support.sync import FAST, assert_in_step, hub_records, populate, settings_for
from tui_register.storage import households as H
from tui_register.sync import service

pytestmark = pytest.mark.timeout(60)


def test_kinds_and_a_later_stage_reach_the_hub(reg, db_path, hub):
    from tui_register.storage.models import database

    names = populate()
    build = RegisterBuilder(database.obj, ALICE)
    aid = build.membership("temporary_assistance", household=names["household0"], amount="2000",
                           period="once", start=date(2025, 4, 1), aid_kind="受灾")
    repair = build.membership("unsafe_housing", household=names["household1"], repair_kind="修缮")
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert (summary.exit_code, summary.rejected) == (0, 0)
    H.set_repair_stage(ALICE, repair.uuid, repair.version, "construction")
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert (summary.exit_code, summary.sent, summary.applied) == (0, 1, 1)
    at_hub = hub_records(hub.db)
    assert at_hub[aid.uuid][2]["aid_kind"] == "disaster"
    assert (at_hub[repair.uuid][1], at_hub[repair.uuid][2]["repair_kind"],
            at_hub[repair.uuid][2]["repair_stage"]) == (2, "repair", "construction")
    assert_in_step(hub.db)
