"""The office a register belongs to: its name (in titles and the header) and its short code
(in export file names and the sync). One rule for the configuration file and the interface.

Kept light (no stdnum, no record models): the configuration imports it at every start.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from tui_register.domain.errors import FieldError
from tui_register.domain.text import clean_text

OFFICE_CODE_MAX = 20
OFFICE_CODE_PATTERN = r"^[A-Za-z0-9_-]*$"
OFFICE_NAME_MAX = 40


def _office_name(value: object) -> str:
    return clean_text(value, field="name", max_len=OFFICE_NAME_MAX, min_len=1)


def _office_code(value: object) -> str:
    code = str(value or "").strip()
    if not code:
        raise FieldError("code", "required")
    if len(code) > OFFICE_CODE_MAX or not re.match(OFFICE_CODE_PATTERN, code):
        raise FieldError("code", "office_code", {"max": OFFICE_CODE_MAX})
    return code


class OfficeIn(BaseModel):
    """What the first run asks: both are needed (a code alone names no one in a title)."""

    model_config = ConfigDict(extra="forbid")
    label_scope: ClassVar[str] = "office"

    name: Annotated[str, BeforeValidator(_office_name)]
    code: Annotated[str, BeforeValidator(_office_code)]
