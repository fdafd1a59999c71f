"""Which stored fields hold personal data, and how each is shown until a supervisor reveals it.

Lists, the household detail and its change history all mask through `mask_field`, so that a
new field of personal data (a bank account) is masked everywhere by adding it here.
"""

from __future__ import annotations

from typing import Callable

from tui_register.domain.ids import mask_id
from tui_register.domain.payments import mask_account


def mask_phone(phone: str) -> str:
    """A mobile number as 138****5678; another number keeps its last four digits only."""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "*" * len(phone)


# Field name (in any record's snapshot) -> how it is masked.
MASKED_FIELDS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id,
    "phone": mask_phone,
    "account_number": mask_account,  # a payment account: first 4 and last 4 digits
}


def is_masked(name: str) -> bool:
    return name in MASKED_FIELDS


def mask_field(name: str, value: object) -> str:
    """`value` of the field `name` as shown unrevealed ('' for nothing)."""
    text = "" if value is None else str(value)
    masker = MASKED_FIELDS.get(name)
    return masker(text) if masker and text else text
