"""Validation problems, carried as data so that the UI can show them in either language."""

from __future__ import annotations

from typing import Any, Iterable

from tui_register.i18n import _


class FieldError(ValueError):
    """One problem with one field.

    `code` picks the message `err.<code>`; `params` fill its placeholders.
    A warning (`warning=True`) is a problem the user may look at and accept,
    such as an ID number from a region missing from the region table.
    `scope` (e.g. "person") lets a label differ by record: `field.person.name`
    is 姓名 while `field.name` is 名称.
    """

    def __init__(self, field: str, code: str, params: dict[str, Any] | None = None,
                 *, warning: bool = False, scope: str = "") -> None:
        self.field = field
        self.code = code
        self.params = dict(params or {})
        self.warning = warning
        self.scope = scope
        super().__init__(f"{field}: {code}")

    def label(self, lang: str | None = None) -> str:
        """The field's label, or "" when the problem belongs to no single field."""
        if not self.field:
            return ""
        for key in (f"field.{self.scope}.{self.field}", f"field.{self.field}"):
            text = _(key, lang)
            if text != key:
                return text
        return self.field  # no label yet: the raw name is better than nothing

    def problem(self, lang: str | None = None) -> str:
        return _(f"err.{self.code}", lang, **self.params)

    def message(self, lang: str | None = None) -> str:
        label = self.label(lang)
        problem = self.problem(lang)
        return _("err.format", lang, field=label, problem=problem) if label else problem

    def __str__(self) -> str:
        return self.message()

    def __repr__(self) -> str:
        extra = ", warning=True" if self.warning else ""
        return f"FieldError({self.field!r}, {self.code!r}, {self.params!r}{extra})"


class InputError(ValueError):
    """Every problem found in one input (a form, an imported row)."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        super().__init__(self.errors)

    @property
    def warnings_only(self) -> bool:
        return bool(self.errors) and all(e.warning for e in self.errors)

    def codes(self) -> list[str]:
        return [e.code for e in self.errors]

    def for_field(self, field: str) -> list[FieldError]:
        return [e for e in self.errors if e.field == field]

    def messages(self, lang: str | None = None) -> list[str]:
        return [e.message(lang) for e in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.messages())
