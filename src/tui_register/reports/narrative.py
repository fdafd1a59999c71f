"""年度工作情况: the year's figures as the sentences a year-end report is made of.

Every number is a figure of the summary for the same period (`summary.compute`), quoted in
the report's style (人次, 户, 万元 from 10,000 yuan up), and the table after the text says
where each one stands in the summary workbook (sheet, row, column) so that it can be checked.
The same text is printed on the command line for pasting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from tui_register.i18n import _, get_language
from tui_register.reports import summary
from tui_register.reports.data import Scope, code_label, describe, title


@dataclass(frozen=True)
class Source:
    """One number of the text and where the summary shows it."""

    figure: str  # what it counts, in words
    value: str  # as the text quotes it
    sheet: str
    row: str
    column: str


@dataclass
class Narrative:
    heading: str
    subtitle: str
    paragraphs: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def text(self) -> str:
        """The heading and paragraphs, for pasting."""
        return "\n\n".join([self.heading, *self.paragraphs])


def money(fen: int) -> str:
    """An amount as reports quote it: 9,464元 below ten thousand yuan, else 13.2万元."""
    yuan = fen / 100
    if abs(fen) >= 1_000_000 and get_language() == "zh_CN":  # English says the amount in full
        return _("narrative.wan", value=f"{fen / 1_000_000:.2f}".rstrip("0").rstrip("."))
    return _("narrative.yuan", value=f"{yuan:,.2f}".removesuffix(".00"))


def _count(n: int) -> str:
    return f"{n:,}"


def _hours(tenths: int) -> str:
    return f"{tenths / 10:,.1f}".removesuffix(".0")


def _period_words(scope: Scope) -> str:
    whole_year = (scope.date_from == date(scope.date_to.year, 1, 1)
                  and scope.date_to == date(scope.date_to.year, 12, 31))
    if whole_year:
        return _("narrative.whole_year")
    return _("narrative.period", start=scope.date_from.isoformat(), end=scope.date_to.isoformat())


class _Writer:
    """Collects the sentences and, for every number in them, its source."""

    def __init__(self, scope: Scope, f: summary.Figures) -> None:
        self.scope, self.f = scope, f
        self.out = Narrative(title(scope, _("narrative.name")), describe(scope))

    def quote(self, value: str, figure: str, sheet_key: str, row: str, column: str) -> str:
        self.out.sources.append(Source(figure, value, _(sheet_key), row, column))
        return value

    def overview(self, key: str, value: str) -> str:
        label = _(f"report.figure.{key}")
        return self.quote(value, label, "report.sheet.overview", label, _("report.col.value"))

    def total(self, key: str) -> int:
        return self.f.total(key)

    def scope_unit_label(self) -> str:
        # Money columns are named with their unit: the sources name the summary as exported
        # by default, in yuan (the text itself says 万元 where reports do).
        return _("report.unit.yuan")


def build(scope: Scope, f: summary.Figures) -> Narrative:
    """The text and its sources, from the summary's figures."""
    w = _Writer(scope, f)
    for paragraph in (_register(w), _changes(w), _visits(w), _payments(w), _volunteers(w)):
        if paragraph:
            w.out.paragraphs.append(paragraph)
    return w.out


def _register(w: _Writer) -> str:
    held = []
    for code, c in w.f.categories.items():
        if not c.households:
            continue
        name = code_label("category", code)
        held.append(_("narrative.category_held", name=name,
                      households=w.quote(_count(c.households), _("narrative.fig.category_households", name=name),
                                         "report.sheet.by_category", name, _("report.col.households_on_register")),
                      persons=w.quote(_count(c.persons), _("narrative.fig.category_persons", name=name),
                                      "report.sheet.by_category", name, _("report.col.persons_on_register"))))
    sentence = _("narrative.register", date=w.scope.date_to.isoformat(),
                 households=w.overview("households_on_register", _count(w.total("households_on_register"))),
                 persons=w.overview("persons_on_register", _count(w.total("persons_on_register"))))
    if held:
        sentence += _("narrative.of_which", items=_("narrative.list_separator").join(held))
    return sentence + _("narrative.full_stop")


def _changes(w: _Writer) -> str:
    return _("narrative.changes", period=_period_words(w.scope),
             new=w.overview("households_new", _count(w.total("households_new"))),
             closed=w.overview("households_closed", _count(w.total("households_closed"))),
             deceased=w.overview("persons_deceased", _count(w.total("persons_deceased"))))


def _clauses(key: str, items: list[str]) -> str:
    return _(key, items=_("narrative.clause_separator").join(items))


def _visits(w: _Writer) -> str:
    if not w.total("visits"):
        return ""
    unit = w.scope_unit_label()
    sentence = _("narrative.visits", period=_period_words(w.scope),
                 visits=w.overview("visits", _count(w.total("visits"))),
                 households=w.overview("households_visited", _count(w.total("households_visited"))),
                 cash=w.overview("cash", money(w.total("cash"))))
    by_group = []
    for group, c in w.f.groups[:-1]:  # the last is every category: the sentence's own total
        if not c.visits:
            continue
        row = _("report.summary.group_subtotal", group=group.name())
        by_group.append(_("narrative.group_visits", name=group.name(),
                          visits=w.quote(_count(c.visits), _("narrative.fig.group_visits", name=group.name()),
                                         "report.sheet.by_category", row, _("report.col.visit_count")),
                          cash=w.quote(money(c.cash), _("narrative.fig.group_cash", name=group.name()),
                                       "report.sheet.by_category", row, _("report.col.cash", unit=unit))))
    if by_group:
        sentence += _("narrative.full_stop") + _clauses("narrative.by_group", by_group)
    campaigns = []
    for name, _start, _end, _targets, visits, households, _given, cash in w.f.campaigns:
        if not visits or _start is None:
            continue
        campaigns.append(_("narrative.campaign", name=name,
                           households=w.quote(_count(households), _("narrative.fig.campaign_households", name=name),
                                              "report.sheet.by_campaign", name, _("report.col.households_visited")),
                           cash=w.quote(money(cash), _("narrative.fig.campaign_cash", name=name),
                                        "report.sheet.by_campaign", name, _("report.col.cash", unit=unit))))
    if campaigns:
        sentence += _("narrative.full_stop") + _clauses("narrative.by_campaign", campaigns)
    checked = w.total("households_checked")
    if checked:
        sentence += _("narrative.full_stop") + _(
            "narrative.checked", period=_period_words(w.scope),
            households=w.overview("households_checked", _count(checked)))
    return sentence + _("narrative.full_stop")


def _payments(w: _Writer) -> str:
    if not (w.total("amount_paid") or w.total("amount_due")):
        return ""
    unit = w.scope_unit_label()
    sentence = _("narrative.payments", period=_period_words(w.scope),
                 paid=w.overview("amount_paid", money(w.total("amount_paid"))),
                 due=w.overview("amount_due", money(w.total("amount_due"))),
                 lines=w.overview("payment_lines", _count(w.total("payment_lines"))),
                 persons=w.overview("persons_paid", _count(w.total("persons_paid"))))
    paid = []
    for code, c in w.f.categories.items():
        if not c.paid:
            continue
        name = code_label("category", code)
        paid.append(_("narrative.category_paid", name=name,
                      paid=w.quote(money(c.paid), _("narrative.fig.category_paid", name=name),
                                   "report.sheet.by_category", name, _("report.col.amount_paid", unit=unit)),
                      lines=w.quote(_count(c.paid_lines), _("narrative.fig.category_lines", name=name),
                                    "report.sheet.by_category", name, _("report.col.payment_lines"))))
    if paid:
        sentence += _("narrative.of_which", items=_("narrative.list_separator").join(paid))
    return sentence + _("narrative.full_stop")


def _volunteers(w: _Writer) -> str:
    if not w.total("activities"):
        return ""
    return _("narrative.volunteers", period=_period_words(w.scope),
             activities=w.overview("activities", _count(w.total("activities"))),
             volunteers=w.overview("volunteers", _count(w.total("volunteers"))),
             participations=w.overview("participations", _count(w.total("participations"))),
             hours=w.overview("hours", _hours(w.total("hours"))))


def write_docx(target: Path, n: Narrative) -> None:
    """A Word document: the heading, the paragraphs, then the table of sources."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    if get_language() == "zh_CN":
        style.font.name = "SimSun"
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word takes CJK text from eastAsia
    doc.add_heading(n.heading, level=1)
    doc.add_paragraph(n.subtitle)
    for paragraph in n.paragraphs:
        doc.add_paragraph(paragraph)
    doc.add_heading(_("narrative.sources"), level=2)
    doc.add_paragraph(_("narrative.sources_note", filters=n.subtitle))
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, key in zip(table.rows[0].cells, ("figure", "value", "sheet", "row", "column")):
        cell.text = _(f"narrative.col.{key}")
    for s in n.sources:
        for cell, text in zip(table.add_row().cells, (s.figure, s.value, s.sheet, s.row, s.column)):
            cell.text = text
    doc.save(str(target))


STEPS = summary.STEPS + 1


def write(target: Path, scope: Scope, progress: Callable[[int, int], None]) -> Narrative:
    figures = summary.compute(scope, lambda done, total: progress(done, STEPS))
    narrative = build(scope, figures)
    write_docx(target, narrative)
    progress(STEPS, STEPS)
    return narrative
