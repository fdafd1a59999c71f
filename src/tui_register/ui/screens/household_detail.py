"""One household: head and address, its payment accounts, members, categories, visits,
follow-ups, history.

Everything is read in one worker. Full ID numbers and account numbers are masked until the
user presses the reveal key, which is recorded in the audit trail with the user and the time.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from tui_register.domain.assistance import KIND_FIELDS, REPAIR_CATEGORY
from tui_register.domain.categories import category_by_code, label
from tui_register.domain.checks import CHECK_PURPOSE
from tui_register.domain.fields import format_money
from tui_register.domain.ids import mask_id
from tui_register.domain.masking import is_masked, mask_field
from tui_register.i18n import _
from tui_register.storage.clock import local_time
from tui_register.storage.household_queries import HistoryEntry, HouseholdDetail
from tui_register.storage.payment_queries import AccountRow
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.services import households as household_service
from tui_register.ui.services import payments as payment_service
from tui_register.ui.services import staff as staff_service
from tui_register.ui.text import field_label, iso, safe


def age(birth: date | None, today: date | None = None) -> str:
    if birth is None:
        return ""
    today = today or date.today()
    return str(today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day)))


class HouseholdDetailScreen(SectionScreen):
    SECTION_KEY = "section.households"
    BINDINGS = bindings_of("detail")
    HOLDS_KEYS = True  # until the household is read

    def __init__(self, uuid: str) -> None:
        super().__init__()
        self.uuid = uuid
        self.detail: HouseholdDetail | None = None
        self.accounts: list[AccountRow] = []  # in use: the household's, then its members'
        self.revealed = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="summary")
            yield Static(_("ui.members"), classes="section-title")
            yield DataTable(id="members", cursor_type="row", zebra_stripes=False)
            yield Static(_("ui.categories"), classes="section-title")
            yield DataTable(id="memberships", cursor_type="row", zebra_stripes=False)
            yield Static(id="visits")
            yield Static(id="payments")
            yield Static(id="follow-ups")
            yield Static(id="history")

    def on_mount(self) -> None:
        members = self.query_one("#members", DataTable)
        members.add_columns(_("ui.col_name"), _("ui.col_relation"), _("ui.col_id"), _("ui.col_age"),
                            _("ui.col_status"))
        cats = self.query_one("#memberships", DataTable)
        cats.add_columns(_("ui.col_category"), _("ui.col_person"), _("ui.col_from"), _("ui.col_to"),
                         _("ui.col_amount"), _("ui.col_status"))
        self.load()

    @work(thread=True, exclusive=True, group="detail")
    def load(self) -> None:
        detail = household_service.detail(self.uuid)
        accounts = payment_service.accounts(self.uuid) if detail is not None else []
        self.app.call_from_thread(self._show, detail, accounts)

    def _show(self, detail: HouseholdDetail | None, accounts: list[AccountRow] | None = None) -> None:
        if detail is None:
            self.release_keys()
            self.notify(_("storage.not_found"), severity="error")
            self.dismiss(None)
            return
        self.detail = detail
        self.accounts = accounts or []
        self._show_summary(detail)
        self._show_members(detail)
        self._show_memberships(detail)
        self._show_visits(detail)
        self._show_payments(detail)
        self._show_history(detail)
        self.query_one("#members", DataTable).focus()
        self.release_keys()

    def _shown_id(self, number: str | None) -> str:
        if not number:
            return ""
        return number if self.revealed else mask_id(number)

    def _private(self, name: str, value: str) -> str:
        """Personal data (a phone) masked as the lists mask it, until revealed."""
        return value if self.revealed else mask_field(name, value)

    def _show_summary(self, d: HouseholdDetail) -> None:
        h = d.household
        head = next((p for p in d.members if p.id == h.head_id), None)
        status = _("status." + h.status)
        if h.status != "active":
            status += f"({h.status_reason} {iso(h.status_date)})"
        text = Text.assemble(
            (_("ui.head") + ":", "bold"), safe(head.name if head else _("ui.no_head")), "  ",
            (_("ui.col_status") + ":", "bold"), safe(status), "\n",
            (_("ui.address") + ":", "bold"), safe(h.address), "  ", safe(d.place.path.replace("/", " ")), "\n",
            (_("ui.phone") + ":", "bold"), safe(self._private("phone", h.phone)), "  ",
            (_("ui.version") + ":", "bold"), f"{h.version}  ", safe(_("ui.updated", who=h.updated_by,
                                                                        when=local_time(h.updated_at))),
        )
        if h.notes:
            text.append_text(Text.assemble("\n", (_("ui.notes") + ":", "bold"), safe(h.notes)))
        for account in self.accounts:
            text.append_text(self._account_line(account, head))
        self.query_one("#summary", Static).update(text)

    def _account_line(self, account: AccountRow, head) -> Text:
        """收款账户: 农业银行 6222****0100 张三 (a member's account: 收款账户(李四): …)."""
        from tui_register.ui.forms.accounts import account_text

        title = _("pay.ui.accounts")
        if account.person_uuid is not None and (head is None or account.person_uuid != head.uuid):
            title += f"({account.recipient})"
        return Text.assemble("\n", (safe(title + ":", "bold")), safe(account_text(account, revealed=self.revealed)))

    def _show_members(self, d: HouseholdDetail) -> None:
        table = self.query_one("#members", DataTable)
        table.clear()
        for p in d.members:
            status = _("status." + p.status) + (f" {iso(p.status_date)}" if p.status_date else "")
            table.add_row(safe(p.name), label("relation", p.relation), self._shown_id(p.id_number),
                          age(p.birth_date, self.app.today()), safe(status), key=p.uuid)

    def _show_memberships(self, d: HouseholdDetail) -> None:
        table = self.query_one("#memberships", DataTable)
        table.clear()
        names = {p.id: p.name for p in d.members}
        for m in d.memberships:
            amount = format_money(m.amount_fen) + "/" + label("period", m.period) if m.amount_fen else ""
            # 临时救助 医疗, 危房户 翻建 施工 (domain/assistance.py)
            kinds = " ".join(label(name, getattr(m, name)) for name in KIND_FIELDS if getattr(m, name))
            table.add_row(f"{category_by_code(m.category_id).short()} {kinds}".rstrip(),
                          safe(names.get(m.person_id, "")),
                          iso(m.start_date), iso(m.end_date), amount, _("status." + m.status), key=m.uuid)

    def _show_visits(self, d: HouseholdDetail) -> None:
        lines = Text(_("ui.recent_visits") + "\n", style="bold")
        for v in d.visits or []:
            mark = _("ui.voided_mark") if v.status == "voided" else ""
            if v.outcome == "not_reached":  # an attempt, not a visit
                mark = f"{_('ui.mark_not_reached')} {mark}".strip()
            cash = format_money(v.cash_fen) if v.cash_fen else ""
            lines.append_text(safe(f"{iso(v.visit_date)} {label('purpose', v.purpose)} {v.visitors} "
                                   f"{cash} {v.goods} {mark}".rstrip()))
            lines.append("\n")
        if not d.visits:
            lines.append(_("ui.none") + "\n")
        self.query_one("#visits", Static).update(lines)
        follow = Text(_("ui.open_follow_ups") + "\n", style="bold")
        today = self.app.today()
        for v in d.open_follow_ups:
            overdue = v.follow_up_due < today
            follow.append_text(safe(f"{'! ' + _('ui.overdue') + ' ' if overdue else ''}{iso(v.follow_up_due)} "
                                    f"{v.follow_up}", "bold" if overdue else ""))
            follow.append("\n")
        if not d.open_follow_ups:
            follow.append(_("ui.none") + "\n")
        self.query_one("#follow-ups", Static).update(follow)

    def _show_payments(self, d: HouseholdDetail) -> None:
        """The household's payment lines, newest round first: what was paid, when, and how."""
        lines = Text(_("ui.payments") + "\n", style="bold")
        for number, period, line in d.payments:
            paid = iso(line.paid_on) if line.state == "paid" else ""
            why = line.result_reason if line.state == "failed" else ""
            lines.append_text(safe(f"#{number} {period} {label('category', line.category)} "
                                   f"{_('pay.kind.' + line.kind)} {format_money(line.amount_fen)} "
                                   f"{_('pay.line_state.' + line.state)} {paid} {why}".rstrip()))
            lines.append("\n")
        section = self.query_one("#payments", Static)
        section.display = bool(d.payments)  # no empty block at 80x24 for a household never paid
        section.update(lines)

    def _show_history(self, d: HouseholdDetail) -> None:
        text = Text(_("ui.history") + "\n", style="bold")
        for entry in d.history:
            what = _("history." + entry.entity)
            changes = [_change(entry, name, before, after, own=self.uuid, revealed=self.revealed)
                       for name, (before, after) in entry.changes.items()]
            shown = "; ".join([c for c in changes if c][:4])
            text.append_text(safe(f"{local_time(entry.at)} {entry.user} {_('op.' + entry.op)} {what} {shown}".rstrip()))
            text.append("\n")
        self.query_one("#history", Static).update(text)

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _after_form(self, _result: object) -> None:
        self.load()

    def action_edit(self) -> None:
        from tui_register.ui.forms.household import HouseholdForm

        if self.detail:
            self.app.push_screen(HouseholdForm(self.detail.household), self._after_form)

    def action_add_member(self) -> None:
        from tui_register.ui.forms.person import PersonForm

        if self.detail:
            self.app.push_screen(PersonForm(self.detail.household.uuid), self._after_form)

    @on(DataTable.RowSelected, "#members")
    def _edit_member(self, event: DataTable.RowSelected) -> None:
        from tui_register.ui.forms.person import PersonForm

        person = next((p for p in self.detail.members if p.uuid == event.row_key.value), None) if self.detail else None
        if person:
            self.app.push_screen(PersonForm(self.detail.household.uuid, person), self._after_form)

    def action_account(self) -> None:
        from tui_register.ui.forms.accounts import AccountForm

        if self.detail:
            self.app.push_screen(AccountForm(self.detail, self.accounts), self._after_form)

    def action_add_category(self) -> None:
        from tui_register.ui.forms.membership import MembershipForm

        if self.detail:
            self.app.push_screen(MembershipForm(self.detail), self._after_form)

    def action_end_category(self) -> None:
        from tui_register.ui.forms.status import EndMembershipForm

        uuid = self._selected("memberships")
        membership = next((m for m in self.detail.memberships if m.uuid == uuid), None) if self.detail else None
        if membership is None or membership.status != "active":
            self.notify(_("ui.choose_active_category"), severity="warning")
            return
        self.app.push_screen(EndMembershipForm(membership), self._after_form)

    def action_repair_stage(self) -> None:
        from tui_register.ui.forms.membership import RepairStageForm

        uuid = self._selected("memberships")
        membership = next((m for m in self.detail.memberships if m.uuid == uuid), None) if self.detail else None
        if membership is None or membership.category_id != REPAIR_CATEGORY or membership.status == "voided":
            self.notify(_("ui.choose_repair"), severity="warning")
            return
        self.app.push_screen(RepairStageForm(membership), self._after_form)

    def action_check_outcome(self) -> None:
        """The outcome of the household's latest data check (核查) for one of its members."""
        from tui_register.ui.forms.check import CheckOutcomeForm

        visit = next((v for v in (self.detail.visits if self.detail else []) if v.purpose == CHECK_PURPOSE
                      and v.status == "valid" and v.outcome != "not_reached"), None)
        if visit is None:
            self.notify(_("ui.no_data_check"), severity="warning")
            return
        self.app.push_screen(CheckOutcomeForm(self.detail, visit), self._after_form)

    def action_status(self) -> None:
        from tui_register.ui.forms.status import HouseholdStatusForm

        if self.detail:
            self.app.push_screen(HouseholdStatusForm(self.detail.household), self._after_form)

    def action_member_status(self) -> None:
        from tui_register.ui.forms.status import PersonStatusForm

        uuid = self._selected("members")
        person = next((p for p in self.detail.members if p.uuid == uuid), None) if self.detail else None
        if person:
            self.app.push_screen(PersonStatusForm(person), self._after_form)

    def action_visit(self) -> None:
        from tui_register.ui.forms.visit import VisitForm

        if self.detail:
            self.app.push_screen(VisitForm(self.uuid, visitors=self.app.state.last_visitors, today=self.app.today()),
                                 self._after_form)

    def action_history(self) -> None:
        """The history at the top of the screen, the page keys scrolling through it."""
        scroll = self.query_one("#detail", VerticalScroll)
        scroll.focus()
        scroll.scroll_to_widget(self.query_one("#history"), top=True, animate=False, immediate=True)

    def action_reveal(self) -> None:
        if self.detail is None:
            return
        if self.revealed:
            self.revealed = False
            self._show_private(self.detail)
            return
        self._reveal()

    def _show_private(self, d: HouseholdDetail) -> None:
        """Everything that shows personal data: redrawn when it is revealed or masked again."""
        self._show_summary(d)
        self._show_members(d)
        self._show_history(d)

    @work(thread=True, exclusive=True, group="reveal")
    def _reveal(self) -> None:
        from tui_register.storage.core import StorageProblem

        try:
            # A supervisor's reveal, audited (it covers the members and the history alike).
            staff_service.record_audit(self.app.user, "reveal_id", "household", self.uuid, supervisor=True)
        except StorageProblem as err:
            self.app.call_from_thread(self.notify, err.message(), severity="error")
            return
        self.app.call_from_thread(self._show_revealed)

    def _show_revealed(self) -> None:
        self.revealed = True
        self._show_private(self.detail)
        self.notify(_("ui.revealed"))


# Snapshot fields that say nothing to staff.
NOT_SHOWN = {"uuid", "closed_by_check"}  # a data check's closure: its reason is the status reason
# Snapshot fields referring to another record by UUID: shown by name (storage gives the names).
REFERENCE_FIELDS = {"household", "head", "place", "person", "campaign", "parent", "activity", "volunteer"}
# Snapshot fields holding a code, and the code list that names it.
CODED_FIELDS = {"category": "category", "relation": "relation", "sex": "sex", "status": "status",
                "purpose": "purpose", "period": "period", "level": "place_level",
                "disability_grade": "disability_grade", "aid_kind": "aid_kind", "repair_kind": "repair_kind",
                "repair_stage": "repair_stage"}
# A field whose code list depends on the record (an activity's kind is free text).
ENTITY_CODED = {("payment_account", "kind"): "account_kind", ("payment_standard", "period"): "period"}


def _change(entry: HistoryEntry, name: str, before: object, after: object, *, own: str,
            revealed: bool) -> str:
    """One changed field as staff read it: its label, and old -> new in the words of the forms
    (labels for codes, names for references, personal data masked until revealed); '' when
    there is nothing to say (the household's own members refer to it)."""
    if name in NOT_SHOWN:
        return ""
    label_text = field_label(f"field.{entry.entity}.{name}")
    old, new = (_shown(entry, name, v, revealed) for v in (before, after))
    if name == "household" and after == own and before in (None, "", own):
        return ""
    if (not new and not old) or (before is None and name.endswith("_fen") and after == 0):
        return ""  # nothing, or no amount on a new record
    if not old:
        return f"{label_text}: {new}"
    return f"{label_text}: {old} -> {new}"


def _shown(entry: HistoryEntry, name: str, value: object, revealed: bool) -> str:
    if value is None or value == "":
        return ""
    if (entry.entity, name) in ENTITY_CODED:
        return label(ENTITY_CODED[(entry.entity, name)], value)
    if entry.entity == "payment_account" and name == "proxy":
        return _("key.yes") if value else _("key.no")
    if name in CODED_FIELDS:
        return label(CODED_FIELDS[name], value)
    if name in REFERENCE_FIELDS:
        return _short(entry.names.get(str(value), "").replace("/", " "))
    if is_masked(name):
        return str(value) if revealed else mask_field(name, value)
    return _short(value, name)


def _short(value: object, name: str = "") -> str:
    if name.endswith("_fen") and isinstance(value, int):
        return format_money(value)
    if name.endswith("_tenths") and isinstance(value, int):
        return f"{value / 10:g}"
    text = "" if value is None else str(value)
    return text if len(text) <= 20 else text[:19] + "~"
