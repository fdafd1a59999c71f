"""The office the register belongs to, kept in the register itself (asked on the first run).

The configuration file's `[office]` still wins where it sets a value (`config.with_office`).
Setting it is a supervisor's write: one transaction with its change-log rows, as every write.
"""

from __future__ import annotations

from tui_register.domain.office import OfficeIn
from tui_register.storage.core import writing
from tui_register.storage.models import Setting

NAME, CODE = "office_name", "office_code"


def stored_office() -> tuple[str, str]:
    """(name, code) as the register keeps them; '' for what was never set."""
    values = dict(Setting.select(Setting.key, Setting.value).where(Setting.key.in_((NAME, CODE))).tuples())
    return values.get(NAME, ""), values.get(CODE, "")


def set_office(user: str, office: OfficeIn) -> None:
    with writing(user, supervisor=True) as w:
        for key, value in ((NAME, office.name), (CODE, office.code)):
            row = Setting.get_or_none(Setting.key == key)
            if row is None:
                w.create(Setting, key=key, value=value)
            elif row.value != value:
                w.update(Setting, row.uuid, None, value=value)
