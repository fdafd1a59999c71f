"""Reference data kept in the database: the category catalog from domain/categories.json."""

from __future__ import annotations

from peewee import SqliteDatabase

from tui_register.domain.categories import load_categories as catalog
from tui_register.storage.models import Category


def _rows() -> list[dict]:
    return [
        dict(code=c.code, group=c.group, name_zh=c.zh, name_en=c.en,
             short_zh=c.zh_short, short_en=c.en_short, scope=c.scope,
             default_period=c.default_period, sort=c.sort)
        for c in catalog()
    ]


def load_categories(db: SqliteDatabase) -> bool:
    """Bring the category table in line with the packaged catalog; True when it changed.

    Upsert, never delete: memberships refer to category codes.
    """
    wanted = _rows()
    have = {row["code"]: row for row in Category.select().dicts()}
    if all(have.get(row["code"]) == row for row in wanted):
        return False
    with db.atomic("IMMEDIATE"):
        for row in wanted:
            (Category.insert(**row)
             .on_conflict(conflict_target=[Category.code],
                          update={k: v for k, v in row.items() if k != "code"})
             .execute())
    return True
