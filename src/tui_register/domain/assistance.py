"""Kinds of one-off assistance (临时救助) and of housing repair (危房改造), and the repair's stage.

A membership of `temporary_assistance` says what the help was for (`aid_kind`); one of
`unsafe_housing` says whether the house is rebuilt or repaired (`repair_kind`) and how far the
work has got (`repair_stage`: 鉴定 -> 施工 -> 验收, forward only). The fields belong to these
two categories alone: required there, refused on any other. The input and snapshot models,
storage and the demo all call these rules.
"""

from __future__ import annotations

from tui_register.domain.errors import FieldError, InputError
from tui_register.i18n import _

AID_KINDS = ("medical", "emergency", "disaster", "education", "housing", "other")
REPAIR_KINDS = ("rebuild", "repair")
REPAIR_STAGES = ("appraisal", "construction", "acceptance")  # in the order the work goes

AID_CATEGORY = "temporary_assistance"
REPAIR_CATEGORY = "unsafe_housing"
# The field -> the one category that records it.
KIND_FIELDS = {"aid_kind": AID_CATEGORY, "repair_kind": REPAIR_CATEGORY, "repair_stage": REPAIR_CATEGORY}
FIRST_STAGE = REPAIR_STAGES[0]


def kind_fields(category: str) -> tuple[str, ...]:
    """The kind fields a membership of `category` records (none for most categories)."""
    return tuple(name for name, owner in KIND_FIELDS.items() if owner == category)


def check_kinds(category: str, values: dict[str, str], required: bool = True) -> None:
    """Each kind field given where its category records it, and left blank everywhere else.

    `required=False` lets a blank pass (a snapshot logged before the fields existed)."""
    errors = []
    for name, owner in KIND_FIELDS.items():
        given = values.get(name, "")
        if owner == category and not given and required:
            errors.append(FieldError(name, "required"))
        elif owner != category and given:
            errors.append(FieldError(name, f"only_for_{owner}"))
    if errors:
        raise InputError(errors)


def stage_forward(current: str, new: str) -> None:
    """A repair's stage moves forward only (the same stage again changes nothing)."""
    if current and REPAIR_STAGES.index(new) < REPAIR_STAGES.index(current):
        raise FieldError("repair_stage", "stage_backwards",
                         {"current": _(f"repair_stage.{current}"), "new": _(f"repair_stage.{new}")})
