"""Personal data as shown until a supervisor reveals it: one rule per field, for every screen."""

from __future__ import annotations

import pytest

from tui_register.domain.masking import is_masked, mask_field


@pytest.mark.parametrize("name, value, shown", [
    ("id_number", "110101196108172731", "110101********2731"),
    ("phone", "13812345678", "138****5678"),
    ("phone", "0871-6543210", "********3210"),
    ("account_number", "6222020200112233445", "6222***********3445"),
    ("phone", "", ""),
    ("address", "人民路1号", "人民路1号"),
])
def test_mask_field(name, value, shown):
    assert mask_field(name, value) == shown


def test_which_fields_are_masked():
    assert all(is_masked(n) for n in ("id_number", "phone", "account_number"))
    assert not is_masked("name")
