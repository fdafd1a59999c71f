"""`tui-register payments …`: payment rounds (发放批次) and standards from the command line,
for scripts and cron. ROUND is a round's number (7 or #7) or its name.

    payments standard --category C --from D --amount YUAN [--period P] [--grade G]
    payments new --category C[,C…] --period P [--date D] [--correction] [--name N]
    payments list [--json]
    payments show ROUND [--json]
    payments approve ROUND
    payments export ROUND [--out PATH] [--full-ids]
    payments results ROUND FILE.xlsx [--dry-run] [--date D]
    payments mark ROUND LINE --paid [--date D] | --failed REASON
    payments close ROUND [--date D]

LINE is a line's number in the round (as `payments show` numbers them) or the recipient's ID
number.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from tui_register.exit_codes import ExitCode
from tui_register.i18n import _


def _date(text: str) -> date:
    from tui_register.domain.errors import FieldError
    from tui_register.domain.fields import parse_date

    try:
        return parse_date(text)
    except FieldError as err:
        raise argparse.ArgumentTypeError(f"{text}: {err.problem()}") from None


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    pay = subparsers.add_parser("payments", help=_("pay.cli.cmd"), description=_("pay.cli.cmd"))
    pay.set_defaults(handler=run)
    sub = pay.add_subparsers(dest="payments_command", required=True, parser_class=type(pay))
    standard = sub.add_parser("standard", help=_("pay.cli.standard"), description=_("pay.cli.standard"))
    standard.add_argument("--category", required=True, metavar="C")
    standard.add_argument("--from", dest="valid_from", required=True, type=_date, metavar="D")
    standard.add_argument("--amount", required=True, metavar=_("pay.cli.meta_yuan"))
    standard.add_argument("--period", default="monthly", choices=("monthly", "yearly", "once"))
    standard.add_argument("--grade", default="", metavar="G", help=_("pay.cli.grade"))
    new = sub.add_parser("new", help=_("pay.cli.new"), description=_("pay.cli.new"))
    new.add_argument("--category", required=True, metavar="C[,C…]", help=_("pay.cli.category"))
    new.add_argument("--period", required=True, metavar="P", help=_("pay.cli.period"))
    new.add_argument("--date", dest="pay_date", type=_date, metavar="D", help=_("pay.cli.pay_date"))
    new.add_argument("--correction", action="store_true", help=_("pay.cli.correction"))
    new.add_argument("--name", default="", metavar="N", help=_("pay.cli.name"))
    listing = sub.add_parser("list", help=_("pay.cli.list"), description=_("pay.cli.list"))
    listing.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    show = sub.add_parser("show", help=_("pay.cli.show"), description=_("pay.cli.show"))
    show.add_argument("round", metavar="ROUND")
    show.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    approve = sub.add_parser("approve", help=_("pay.cli.approve"), description=_("pay.cli.approve"))
    approve.add_argument("round", metavar="ROUND")
    export = sub.add_parser("export", help=_("pay.cli.export"), description=_("pay.cli.export"))
    export.add_argument("round", metavar="ROUND")
    export.add_argument("--out", type=Path, metavar="PATH", help=_("pay.cli.out"))
    export.add_argument("--full-ids", action="store_true", help=_("report.cli.full_ids"))
    results = sub.add_parser("results", help=_("pay.cli.results"), description=_("pay.cli.results"))
    results.add_argument("round", metavar="ROUND")
    results.add_argument("file", type=Path, metavar="FILE.xlsx")
    results.add_argument("--dry-run", action="store_true", help=_("pay.cli.dry_run"))
    results.add_argument("--date", dest="paid_on", type=_date, metavar="D", help=_("pay.cli.paid_on"))
    mark = sub.add_parser("mark", help=_("pay.cli.mark"), description=_("pay.cli.mark"))
    mark.add_argument("round", metavar="ROUND")
    mark.add_argument("line", metavar="LINE", help=_("pay.cli.line"))
    result = mark.add_mutually_exclusive_group(required=True)
    result.add_argument("--paid", action="store_true", help=_("pay.cli.mark_paid"))
    result.add_argument("--failed", metavar=_("pay.cli.meta_reason"), help=_("pay.cli.mark_failed"))
    mark.add_argument("--date", dest="paid_on", type=_date, metavar="D", help=_("pay.cli.paid_on"))
    correct = sub.add_parser("correct", help=_("pay.cli.correct"), description=_("pay.cli.correct_long"))
    correct.add_argument("round", metavar="ROUND")
    correct.add_argument("line", metavar="LINE", help=_("pay.cli.line"))
    correct.add_argument("--into", required=True, metavar="ROUND", help=_("pay.cli.correct_into"))
    amount = correct.add_mutually_exclusive_group(required=True)
    amount.add_argument("--pay", metavar=_("pay.cli.meta_yuan"), help=_("pay.cli.correct_pay"))
    amount.add_argument("--recover", metavar=_("pay.cli.meta_yuan"), help=_("pay.cli.correct_recover"))
    correct.add_argument("--reason", required=True, metavar=_("pay.cli.meta_reason"), help=_("pay.cli.correct_reason"))
    close = sub.add_parser("close", help=_("pay.cli.close"), description=_("pay.cli.close"))
    close.add_argument("round", metavar="ROUND")
    close.add_argument("--date", dest="paid_on", type=_date, metavar="D", help=_("pay.cli.paid_on"))
    sub.metavar = "|".join(sub.choices)  # every subcommand, as the list below the usage line


def run(args: argparse.Namespace, settings) -> int:
    from tui_register.domain.errors import FieldError, InputError
    from tui_register.storage.clock import current_login
    from tui_register.storage.register import open_register

    user = current_login()
    open_register(settings.db_path, user, create=False)
    handler = {"standard": _standard, "new": _new, "list": _list, "show": _show, "approve": _approve,
               "export": _export, "results": _results, "mark": _mark, "correct": _correct,
               "close": _close}[args.payments_command]
    try:
        return handler(args, settings, user)
    except (FieldError, InputError) as err:
        print(str(err), file=sys.stderr)
        return ExitCode.USAGE


def _categories(text: str, settings) -> list[str]:
    """Categories and groups (低保, youfu, key_youfu from the configuration) as codes."""
    from tui_register.domain.categories import parse_categories

    return list(parse_categories(text, key_youfu=settings.key_youfu))


def _standard(args, settings, user: str) -> int:
    from tui_register.domain.records import StandardIn, validate
    from tui_register.storage import payments

    data = validate(StandardIn, {"category": args.category, "valid_from": args.valid_from.isoformat(),
                                 "amount": args.amount, "period": args.period, "grade": args.grade})
    payments.add_standard(user, data)
    print(_("pay.cli.standard_added", category=_category_name(data.category), amount=_yuan(data.amount),
            valid_from=data.valid_from.isoformat()))
    return ExitCode.OK


def _new(args, settings, user: str) -> int:
    from tui_register.storage import payment_queries, payments

    made = payments.create_round(user, _categories(args.category, settings), args.period, pay_date=args.pay_date,
                                 kind="correction" if args.correction else "regular", name=args.name)
    row = payment_queries.round_row(made)
    print(_("pay.cli.created", number=row.number, name=row.name, lines=row.totals.lines,
            due=_yuan(row.totals.due_fen)))
    return ExitCode.OK


def _list(args, settings, user: str) -> int:
    from tui_register.storage import payment_queries

    found = payment_queries.rounds()
    if args.json:
        json.dump([_round_json(r) for r in found], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return ExitCode.OK
    for r in found:
        print(_("pay.cli.list_line", number=r.number, name=r.name, state=_(f"pay.state.{r.state}"),
                lines=r.totals.lines, due=_yuan(r.totals.due_fen), paid=_yuan(r.totals.paid_fen),
                failed=_yuan(r.totals.failed_fen)))
    if not found:
        print(_("pay.cli.none"))
    return ExitCode.OK


def _show(args, settings, user: str) -> int:
    from tui_register.storage import payment_queries, payments

    found = payments.find_round(args.round)
    row = payment_queries.round_row(found)
    lines = payment_queries.round_lines(found)
    if args.json:
        data = _round_json(row)
        data["lines"] = [dict(_line_json(line), line=n) for n, line in enumerate(lines, start=1)]
        json.dump(data, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return ExitCode.OK
    print(_("pay.cli.list_line", number=row.number, name=row.name, state=_(f"pay.state.{row.state}"),
            lines=row.totals.lines, due=_yuan(row.totals.due_fen), paid=_yuan(row.totals.paid_fen),
            failed=_yuan(row.totals.failed_fen)))
    for n, line in enumerate(lines, start=1):
        print(f"  {n}  {line.recipient}  {line.masked_id}  {_(f'pay.kind.{line.kind}')}  {line.months}  "
              f"{_yuan(line.amount_fen)}  {_(f'pay.line_state.{line.state}')}  {line.masked_account}  "
              f"{line.reason or line.result_reason}".rstrip())
    return ExitCode.OK


def _approve(args, settings, user: str) -> int:
    from tui_register.storage import payments

    done = payments.approve_round(user, args.round, single_supervisor=settings.payments_single_supervisor)
    print(_("pay.cli.approved", number=done.number, name=done.name))
    return ExitCode.OK


def _export(args, settings, user: str) -> int:
    from tui_register.progress import Progress
    from tui_register.reports.options import ReportError
    from tui_register.reports.payments import export_round
    from tui_register.storage import payments

    found = payments.find_round(args.round)
    try:
        with Progress(_("report.cli.progress")) as progress:
            files = export_round(found, settings, user, out=args.out, full_ids=args.full_ids,
                                 on_progress=progress.update)
    except ReportError as err:
        print(err.message(), file=sys.stderr)
        return ExitCode.USAGE if err.usage else ExitCode.PROBLEM
    print(_("pay.cli.exported", bank=str(files.bank), roster=str(files.roster), n=files.bank_lines))
    return ExitCode.OK


def _results(args, settings, user: str) -> int:
    from tui_register.reports.options import ReportError
    from tui_register.reports.payment_results import apply_results
    from tui_register.storage import payments

    found = payments.find_round(args.round)
    try:
        check = apply_results(found, args.file, user, args.paid_on or date.today(), dry_run=args.dry_run)
    except ReportError as err:
        print(err.message(), file=sys.stderr)
        return ExitCode.USAGE if err.usage else ExitCode.PROBLEM
    if check.problems:
        print(_("pay.cli.results_refused", n=len(check.problems), report=str(check.report)), file=sys.stderr)
        return ExitCode.PROBLEM
    key = "pay.cli.results_checked" if args.dry_run else "pay.cli.results_done"
    print(_(key, paid=check.paid, failed=check.failed))
    return ExitCode.OK


def _mark(args, settings, user: str) -> int:
    """One line's result by hand (the bank's answer by telephone, a cash signature)."""
    from tui_register.storage import payment_queries, payments

    if args.failed is not None and args.paid_on is not None:
        print(_("pay.cli.mark_date_with_failed"), file=sys.stderr)
        return ExitCode.USAGE
    found = payments.find_round(args.round)
    lines = payment_queries.round_lines(found)
    number = _line_number(found, lines, args.line)
    if number is None:
        return ExitCode.USAGE if not _reads_as_line(args.line) else ExitCode.PROBLEM
    line = lines[number - 1]
    if args.paid:
        paid_on = args.paid_on or date.today()
        payments.mark_paid(user, line.uuid, paid_on)
        print(_("pay.cli.marked_paid", number=found.number, line=number, recipient=line.recipient,
                amount=_yuan(line.amount_fen), date=paid_on.isoformat()))
    else:
        payments.mark_failed(user, line.uuid, args.failed)
        print(_("pay.cli.marked_failed", number=found.number, line=number, recipient=line.recipient,
                amount=_yuan(line.amount_fen), reason=args.failed.strip()))
    return ExitCode.OK


def _correct(args, settings, user: str) -> int:
    """补发 or 扣回 for a line of an approved round: a new line in a draft correction round."""
    from tui_register.domain.fields import parse_money
    from tui_register.storage import payment_queries, payments

    fen = parse_money(args.pay, field="pay") if args.pay is not None else -parse_money(args.recover, field="recover")
    found = payments.find_round(args.round)
    lines = payment_queries.round_lines(found)
    number = _line_number(found, lines, args.line)
    if number is None:
        return ExitCode.USAGE if not _reads_as_line(args.line) else ExitCode.PROBLEM
    line = lines[number - 1]
    added = payments.correct_line(user, line.uuid, args.into, fen, args.reason)
    target = payments.find_round(args.into)
    print(_("pay.cli.corrected", number=found.number, line=number, recipient=line.recipient,
            amount=_yuan(added.amount_fen), into=target.number))
    return ExitCode.OK


def _reads_as_line(text: str) -> bool:
    """A line number (digits, shorter than any ID number) or an ID number (15 or 18 characters)."""
    text = text.strip()
    return (text.isdigit() and len(text) < 15) or _id_text(text) is not None


def _id_text(text: str) -> str | None:
    import unicodedata

    text = unicodedata.normalize("NFKC", text).strip().upper()
    if len(text) in (15, 18) and text[:-1].isdigit() and (text[-1].isdigit() or text[-1] == "X"):
        return text
    return None


def _line_number(found, lines, text: str) -> int | None:
    """The line's number (1-based, in the order of `payments show`), or None with the reason said."""
    label = f"#{found.number} {found.name}"
    if not _reads_as_line(text):
        print(_("pay.cli.bad_line", line=text), file=sys.stderr)
        return None
    wanted = _id_text(text)
    if wanted is None:
        number = int(text)
        if not 1 <= number <= len(lines):
            print(_("pay.cli.no_line", round=label, line=number, n=len(lines)), file=sys.stderr)
            return None
        return number
    matches = [n for n, line in enumerate(lines, start=1) if line.id_number.upper() == wanted and line.kind != "stop"]
    if not matches:
        print(_("pay.cli.no_line_for_id", round=label), file=sys.stderr)
        return None
    if len(matches) > 1:
        print(_("pay.cli.line_ambiguous", round=label, n=len(matches), lines=", ".join(map(str, matches))),
              file=sys.stderr)
        return None
    return matches[0]


def _close(args, settings, user: str) -> int:
    from tui_register.storage import payments

    closed, marked = payments.close_round(user, args.round, args.paid_on or date.today())
    print(_("pay.cli.closed", number=closed.number, name=closed.name, n=marked))
    return ExitCode.OK


def _yuan(fen: int) -> str:
    from tui_register.domain.fields import format_money

    return format_money(fen)


def _plain_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _category_name(code: str) -> str:
    from tui_register.domain.categories import category_by_code

    return category_by_code(code).name()


def _round_json(r) -> dict:
    t = r.totals
    return {"number": r.number, "name": r.name, "kind": r.kind, "categories": list(r.categories),
            "period": r.period, "pay_date": r.pay_date.isoformat() if r.pay_date else None, "state": r.state,
            "prepared_by": r.prepared_by, "approved_by": r.approved_by or None, "line_count": t.lines,
            "due_yuan": _plain_yuan(t.due_fen), "paid_yuan": _plain_yuan(t.paid_fen),
            "failed_yuan": _plain_yuan(t.failed_fen), "open_yuan": _plain_yuan(t.open_fen),
            "paid_lines": t.paid_lines, "failed_lines": t.failed_lines, "excluded_lines": t.excluded_lines}


def _line_json(line) -> dict:
    # Masked here as everywhere: the bank file (`payments export --full-ids`) is the audited way out.
    return {"uuid": line.uuid, "recipient": line.recipient, "id_number": line.masked_id, "category": line.category,
            "kind": line.kind, "months": line.months.split(",") if line.months else [],
            "amount_due_yuan": _plain_yuan(line.amount_due_fen), "amount_yuan": _plain_yuan(line.amount_fen),
            "state": line.state, "reason": line.reason, "result_reason": line.result_reason,
            "paid_on": line.paid_on.isoformat() if line.paid_on else None, "account_kind": line.account_kind,
            "account_number": line.masked_account, "corrects": line.corrects or None}
