"""Realistic generated data for trying the program and for benchmarks (`tui-register demo`).

Deterministic for a seed and an end date: the same arguments give the same register, record
for record. Proportions follow the figures of the field offices' work reports: mostly 低保
households, a sizeable share of 优抚对象, visits in peaks around Spring Festival, Army Day,
Mid-Autumn and Double Ninth, about ten visits per household over three years.

It holds only what the write path could have written: records pass the same rules
(`domain.rules`), a person who died or moved out holds no membership after that date (as
`storage.households.set_person_status` ends them), a household has at most one valid visit
per campaign, and the derived columns are computed by the bulk loader by the write path's
function. `tui-register check` passes on a fresh demo.

Payments (`demo_payments`): standards with one mid-year raise, accounts (mostly bank or card,
cash for a few), and the payment rounds of the three years with their lines, failed lines paid
later as back pay, and stops, made with each household by the rules of the write path.
"""

from __future__ import annotations

import functools
import random
import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from tui_register import demo_payments as pay
from tui_register.domain import assistance, rules
from tui_register.domain.ids import known_region_codes, make_resident_id
from tui_register.domain.names import pinyin_keys
from tui_register.storage.bulk import BulkWriter, indexes_deferred
from tui_register.storage.models import (
    Activity,
    Campaign,
    CampaignTarget,
    ChangeLog,
    Household,
    Membership,
    Participation,
    PaymentAccount,
    PaymentLine,
    PaymentRound,
    PaymentStandard,
    Person,
    Place,
    Visit,
    Volunteer,
)

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")  # noqa: E501 - one line of surnames
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林国建志文海东成庆德福祥贵生荣"
GIVEN_F = "芳娜敏静丽艳娟霞秀英玲桂兰萍红琴云莲梅雪琳燕凤洁颖倩婷慧巧美淑珍翠"
VILLAGES = ("东关社区", "西关社区", "南街社区", "北门社区", "新华社区", "和平村", "前进村", "红旗村",
            "李家庄村", "王家湾村", "石桥村", "柳树村", "河口村", "杏花村", "长安社区", "幸福社区")
ROADS = ("人民路", "解放路", "建设路", "中山路", "文化路", "胜利路", "和平路", "新华街")
GOODS = ("大米", "食用油", "大米、食用油", "水果", "慰问卡", "大米、食用油、水果", "棉被", "牛奶")
STAFF_NAMES = ("王敏", "李强", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "周婷")
ORGS = ("团员青年", "妇联", "网格队", "舞蹈队", "退休干部", "党员志愿者", "巾帼志愿队")
ACTIVITY_KINDS = (("营区清扫", "拥军"), ("八一文艺演出", "拥军"), ("居家养老上门服务", "为老"),
                  ("国防教育进校园", "宣传"), ("环境整治", "环境"), ("政策宣传", "宣传"), ("助残帮扶", "助残"))
PARTNERS = ("", "", "某部三营", "武警中队", "消防救援站")
FINDINGS = ("", "", "", "住房状况良好", "身体不适,已联系社区医生", "邻里纠纷,已调解", "房屋漏雨,需维修",
            "生活困难,建议临时救助")

# (category code, weight per household, amount in fen or None, period)
CATEGORY_WEIGHTS = (
    ("urban_dibao", 22, (17000, 80000), "monthly"),
    ("rural_dibao", 24, (20000, 60000), "monthly"),
    ("dibao_marginal", 7, None, ""),
    ("tekun_dispersed", 5, (332000, 332000), "yearly"),
    ("tekun_centralised", 2, (392000, 392000), "yearly"),
    ("severe_disability", 8, (10000, 20000), "monthly"),
    ("tekun_disability", 2, (15000, 30000), "monthly"),
    ("orphan", 1, (100000, 150000), "monthly"),
    ("empty_nest_elderly", 9, None, ""),
    ("temporary_assistance", 4, (100000, 500000), "once"),
    ("unsafe_housing", 2, (1000000, 3000000), "once"),
    ("veteran", 14, None, ""),
    ("martyr_family", 1, (200000, 300000), "monthly"),
    ("duty_death_family", 1, (150000, 250000), "monthly"),
    ("illness_death_family", 1, (120000, 200000), "monthly"),
    ("disabled_serviceman", 1, (150000, 500000), "monthly"),
    ("demobilised_in_village", 1, (80000, 120000), "monthly"),
    ("ill_returned_veteran", 1, (60000, 90000), "monthly"),
    ("war_and_test_veteran", 2, (60000, 90000), "monthly"),
    ("serving_family", 3, (800000, 800000), "yearly"),
    ("separated_personnel", 1, None, ""),
)
# festival -> (month, day, campaign name, campaign purpose)
FESTIVALS = ((1, 20, "春节走访慰问"), (8, 1, "八一走访慰问"), (9, 15, "中秋走访慰问"),
             (10, 20, "重阳走访慰问"), (12, 28, "元旦走访慰问"))
VISITS_PER_HOUSEHOLD = (6, 14)  # uniform: ten on average


@dataclass
class _Ctx:
    rng: random.Random
    bulk: BulkWriter
    today: date
    places: list[tuple[int, str, str]]  # (grid id, path, village name)
    campaigns: list[tuple[int, date, date, int]]  # (id, start, end, cash)
    ids_seen: set[str]
    schedule: pay.Schedule | None = None  # the payment rounds, when the demo adds them
    pay_rng: random.Random | None = None
    accounts_seen: set[str] | None = None
    follow_standard: frozenset[str] = frozenset()  # categories whose memberships have no amount of their own


def _log_size() -> int:
    return ChangeLog.select().count()


def is_empty() -> bool:
    return not Household.select().exists() and not Volunteer.select().exists()


def _at(day: date, rng: random.Random) -> str:
    moment = datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(480))
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="microseconds")


@functools.cache
def _regions() -> tuple[str, ...]:
    """County codes in use from 1930 to 2025: an ID made with any of them passes the region
    check whatever the birth year (reading the table once per birth year costs seconds)."""
    return tuple(sorted(set(known_region_codes(1930)) & set(known_region_codes(2025))))


def _resident_id(ctx: _Ctx, local: str, birth: date, male: bool) -> str:
    region = local
    if ctx.rng.random() < 0.15:
        region = ctx.rng.choice(_regions())  # born elsewhere
    while True:
        seq = ctx.rng.randrange(0, 999)
        if seq % 2 != male:
            seq += 1
        number = make_resident_id(region, birth, seq)
        if number not in ctx.ids_seen:
            ctx.ids_seen.add(number)
            return number


def _name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    pool = GIVEN_M if male else GIVEN_F
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    return (surname or rng.choice(SURNAMES)) + given


def _make_places(ctx: _Ctx, households: int) -> None:
    """The township, its villages and grids (those already in the register are reused)."""
    existing = list(Place.select().where(Place.level == "grid").order_by(Place.path))
    if existing:
        ctx.places += [(p.id, p.path, p.path.split("/")[1]) for p in existing]
        ctx.bulk.know(Place, {p.id: p.uuid for p in existing})
        return
    at = _at(ctx.today - timedelta(days=3650), ctx.rng)
    township = ctx.bulk.add(Place, dict(name="城关街道", level="township", code="001", path="城关街道"), at=at)
    villages = VILLAGES[: max(2, min(len(VILLAGES), households // 400 + 2))]
    for vi, village in enumerate(villages):
        vpath = f"城关街道/{village}"
        vid = ctx.bulk.add(Place, dict(name=village, level="village", parent=township,
                                       code=f"001{vi + 1:03d}", path=vpath), at=at)
        for gi in range(ctx.rng.randint(3, 6)):
            gname = f"第{'一二三四五六'[gi]}网格"
            gid = ctx.bulk.add(Place, dict(name=gname, level="grid", parent=vid,
                                           code=f"001{vi + 1:03d}{gi + 1:02d}", path=f"{vpath}/{gname}"), at=at)
            ctx.places.append((gid, f"{vpath}/{gname}", village))


def _make_campaigns(ctx: _Ctx) -> None:
    for year in range(ctx.today.year - 3, ctx.today.year + 1):
        for month, day, title in FESTIVALS:
            start = date(year, month, day) - timedelta(days=7)
            end = date(year, month, day) + timedelta(days=3)
            if end > ctx.today or start < ctx.today - timedelta(days=3 * 365):
                continue
            cash = ctx.rng.choice((20000, 30000, 50000, 80000))
            cid = ctx.bulk.add(Campaign, dict(
                name=f"{year}年{title}", start_date=start, end_date=end, purpose="festival",
                visitors="、".join(ctx.rng.sample(STAFF_NAMES, 2)), default_cash_fen=cash,
                default_goods=ctx.rng.choice(GOODS), budget_fen=cash * 400), at=_at(start, ctx.rng))
            ctx.campaigns.append((cid, start, end, cash))


def _birth(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365, high * 365))


def _make_household(ctx: _Ctx, local_region: str) -> None:
    rng, bulk = ctx.rng, ctx.bulk
    grid, path, village = rng.choice(ctx.places)
    registered = ctx.today - timedelta(days=rng.randint(30, 3650))
    at = _at(registered, rng)
    if village.endswith("村"):
        address = f"{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
    else:
        # One expression: the order of the draws is the demo's data (a fixed seed, fixed households).
        address = (f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 20)}栋"
                   f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室")
    phone = f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}"
    status, reason, status_date = "active", "", None
    roll = rng.random()
    if roll < 0.05:
        status, reason = "closed", rng.choice(("迁出本辖区", "收入超过保障标准", "户内人员均已死亡"))
        status_date = registered + timedelta(days=rng.randint(0, (ctx.today - registered).days))
    elif roll < 0.07:
        status, reason = "suspended", rng.choice(("待复核收入情况", "长期外出务工"))
        status_date = ctx.today - timedelta(days=rng.randint(0, 200))
    hid = bulk.add(Household, dict(place=grid, address=address, phone=phone, status=status,
                                   status_reason=reason, status_date=status_date, place_path=path), at=at)
    members = _make_members(ctx, hid, local_region, registered, at)
    held = _make_memberships(ctx, hid, members, registered, at)
    _make_visits(ctx, hid, registered)
    if ctx.schedule is not None:
        pay.household_payments(bulk, ctx.schedule, ctx.pay_rng, hid, registered,
                               status_date if status != "active" else None, held, ctx.accounts_seen, at)
    # The household row is already buffered: its head is known now. The derived columns and
    # the search entry are the bulk loader's work (the write path's function).
    bulk.patch_last(Household, dict(head=members[0].id))


@dataclass(frozen=True)
class _Member:
    id: int
    status: str
    status_reason: str
    status_date: date | None
    name: str
    initials: str


def _make_members(ctx: _Ctx, hid: int, local: str, registered: date, at: str) -> list[_Member]:
    rng = ctx.rng
    size = rng.choices((1, 2, 3, 4, 5), weights=(30, 30, 20, 13, 7))[0]
    head_male = rng.random() < 0.6
    surname = rng.choice(SURNAMES)
    head_birth = _birth(rng, ctx.today, 30, 92)
    plan = [("head", head_male, head_birth)]
    if size >= 2:
        plan.append(("spouse", not head_male, head_birth + timedelta(days=rng.randint(-1500, 1500))))
    for _ in range(size - len(plan)):
        child_birth = head_birth + timedelta(days=rng.randint(20 * 365, 38 * 365))
        if child_birth >= ctx.today:
            child_birth = ctx.today - timedelta(days=rng.randint(200, 3000))
        male = rng.random() < 0.5
        plan.append(("son" if male else "daughter", male, child_birth))
    members = []
    for relation, male, birth in plan:
        name = _name(rng, male, surname if relation != "spouse" else None)
        pinyin, initials = pinyin_keys(name)
        id_number = _resident_id(ctx, local, birth, male)
        status, reason, sdate = "active", "", None
        if rng.random() < 0.03:
            # Died after being registered (the household's rows were entered on that day).
            # Folded into that span rather than drawn from it: the same draws as before keep
            # the rest of a seed's data as it was.
            days, span = rng.randint(10, 900), (ctx.today - registered).days
            if days > span:
                days = 10 + (days - 10) % (span - 9)
            status, reason, sdate = "deceased", "病故", ctx.today - timedelta(days=days)
        disability = rng.choice((1, 2, 3, 4)) if rng.random() < 0.08 else None
        member_phone = f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}" if relation == "head" else ""
        pid = ctx.bulk.add(Person, dict(
            household=hid, name=name, id_number=id_number, sex="M" if male else "F", birth_date=birth,
            relation=relation, disability_grade=disability, phone=member_phone, status=status,
            status_reason=reason, status_date=sdate, name_pinyin=pinyin, name_initials=initials), at=at)
        members.append(_Member(pid, status, reason, sdate, name, initials))
    return members


def _make_memberships(ctx: _Ctx, hid: int, members: list[_Member], registered: date,
                      at: str) -> list[pay.Held]:
    rng = ctx.rng
    held = []
    count = rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
    chosen = {c[0]: c for c in rng.choices(CATEGORY_WEIGHTS, weights=[c[1] for c in CATEGORY_WEIGHTS], k=count)}
    head = members[0]
    for code, _w, amount, period in chosen.values():
        person = head if code in _PERSON_SCOPE else None
        fen = rng.randrange(amount[0], amount[1] + 1, 100) if amount else 0
        start = registered
        ended = rng.random() < 0.06
        end = start + timedelta(days=rng.randint(30, 700)) if ended else None
        if end and end > ctx.today:
            end, ended = None, False
        reason = "复核后退出" if ended else ""
        if person is not None and person.status in rules.DEPARTED:
            # As marking the person deceased ends their memberships on that date.
            if not ended or end > person.status_date:
                end, ended, reason = rules.departure_end(end, person.status_date), True, person.status_reason
            rules.held_while_present(start, end, person.status, person.status_date)
        if code in ctx.follow_standard:
            fen = 0  # drawn all the same: the draws after it stay as they were
        period = period if fen else ""
        rules.end_not_before_start(start, end)
        rules.period_for_amount(fen, period)
        kinds = _kinds(code, hid)
        assistance.check_kinds(code, kinds)
        mid = ctx.bulk.add(Membership, dict(
            category=code, household=hid, person=person.id if person else None, start_date=start,
            end_date=end, amount_fen=fen, period=period, status="ended" if ended else "active",
            status_reason=reason, **kinds), at=at)
        recipient = person or head
        held.append(pay.Held(mid, code, person.id if person else None, start, end, fen, period, registered,
                             recipient.name, recipient.initials))
    return held


def _kinds(code: str, hid: int) -> dict[str, str]:
    """Some of each kind of assistance and repair, spread by household (drawing nothing from
    the generator, so that the rest of the demo stays as it was)."""
    kinds = dict.fromkeys(assistance.KIND_FIELDS, "")
    if code == assistance.AID_CATEGORY:
        kinds["aid_kind"] = assistance.AID_KINDS[hid % len(assistance.AID_KINDS)]
    elif code == assistance.REPAIR_CATEGORY:
        kinds["repair_kind"] = assistance.REPAIR_KINDS[hid % len(assistance.REPAIR_KINDS)]
        kinds["repair_stage"] = assistance.REPAIR_STAGES[hid // 2 % len(assistance.REPAIR_STAGES)]
    return kinds


_PERSON_SCOPE = {"tekun_centralised", "tekun_dispersed", "severe_disability", "tekun_disability", "orphan",
                 "veteran", "disabled_serviceman", "demobilised_in_village", "ill_returned_veteran",
                 "war_and_test_veteran", "separated_personnel", "empty_nest_elderly"}


def _make_visits(ctx: _Ctx, hid: int, registered: date) -> None:
    """The household's visits: at most one valid visit per campaign, as the write path allows."""
    rng = ctx.rng
    first = max(registered, ctx.today - timedelta(days=3 * 365))
    span = (ctx.today - first).days
    targeted: set[int] = set()
    visited: set[int] = set()  # campaigns with a valid visit of this household
    usable = [c for c in ctx.campaigns if c[1] >= first]
    for _ in range(rng.randint(*VISITS_PER_HOUSEHOLD)):
        campaign = None
        if usable and rng.random() < 0.55:
            cid, start, end, cash_default = campaign = rng.choice(usable)
            day = start + timedelta(days=rng.randint(0, (end - start).days))
            purpose, cash = "festival", cash_default
            goods = rng.choice(GOODS)
        else:
            day = first + timedelta(days=rng.randint(0, max(span, 0)))
            purpose = rng.choices(("routine", "data_check", "help", "policy", "info_collection"),
                                  weights=(50, 20, 12, 10, 8))[0]
            cash = rng.choice((0, 0, 0, 20000, 50000)) if purpose == "help" else 0
            goods = ""
        follow_up, due, done = "", None, None
        if rng.random() < 0.05:
            follow_up = rng.choice(("协助申请临时救助", "联系维修房屋", "复核家庭收入", "协调就医"))
            due = day + timedelta(days=rng.randint(7, 60))
            done = due - timedelta(days=rng.randint(0, 6)) if due < ctx.today and rng.random() < 0.8 else None
        voided = rng.random() < 0.005
        rules.follow_up_due(follow_up, due, day)
        in_campaign = campaign is not None and campaign[0] not in visited
        if campaign is not None and not voided:
            # A second festival visit in the campaign's days is entered through the form,
            # outside the campaign (the campaign allows one per household).
            visited.add(campaign[0])
        ctx.bulk.add(Visit, dict(
            household=hid, visit_date=day, visitors="、".join(rng.sample(STAFF_NAMES, rng.randint(1, 3))),
            purpose=purpose, cash_fen=cash, goods=goods, findings=rng.choice(FINDINGS), follow_up=follow_up,
            follow_up_due=due, follow_up_done=done, campaign=campaign[0] if in_campaign else None,
            status="voided" if voided else "valid", status_reason="录入重复" if voided else ""),
            at=_at(day, rng))
        if campaign and campaign[0] not in targeted:
            targeted.add(campaign[0])
            ctx.bulk.add(CampaignTarget, dict(campaign=campaign[0], household=hid), at=_at(campaign[1], rng))


def _make_volunteers(ctx: _Ctx, households: int) -> None:
    rng = ctx.rng
    volunteers = []
    for _ in range(max(10, households // 50)):
        male = rng.random() < 0.45
        name = _name(rng, male)
        pinyin, initials = pinyin_keys(name)
        joined = ctx.today - timedelta(days=rng.randint(30, 2000))
        vid = ctx.bulk.add(Volunteer, dict(
            name=name, phone=f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}", organisation=rng.choice(ORGS),
            id_number=None, name_pinyin=pinyin, name_initials=initials), at=_at(joined, rng))
        volunteers.append(vid)
    for _ in range(max(5, households // 100)):
        title, kind = rng.choice(ACTIVITY_KINDS)
        day = ctx.today - timedelta(days=rng.randint(1, 3 * 365))
        hours = rng.choice((20, 30, 40))
        aid = ctx.bulk.add(Activity, dict(
            activity_date=day, title=title, kind=kind, place=rng.choice(VILLAGES), organiser=rng.choice(ORGS),
            partner_unit=rng.choice(PARTNERS), default_hours_tenths=hours), at=_at(day, rng))
        for vid in rng.sample(volunteers, min(len(volunteers), rng.randint(3, 15))):
            ctx.bulk.add(Participation, dict(activity=aid, volunteer=vid,
                                             hours_tenths=hours if rng.random() < 0.8 else hours + 10),
                         at=_at(day, rng))


REPORT_EVERY = 100  # households between progress reports (the printer itself limits redraws)
FLUSH_ROWS = 40_000  # buffered rows written at once at most: the payment lines double a household's rows


def generate(households: int, *, seed: int = 1, user: str, until: date | None = None,
             on_progress: Callable[[int, int], None] | None = None, flush_every: int = 2000) -> dict[str, int]:
    """Add `households` generated households (with members, categories, visits) and volunteers.

    `on_progress(done, total)` is called before any work (0 of `households`), every
    REPORT_EVERY households, and with `total` once everything, indexes included, is written.
    """
    report = on_progress or (lambda done, total: None)
    report(0, households)  # at once: reading the region table and setting indexes aside take seconds
    rng = random.Random(seed)
    # Record UUIDs come from their own generator, salted with what the register already
    # holds: the same seed gives the same data in an empty register, and `--force` into a
    # register that has demo data of that seed still gets new UUIDs.
    uuids = random.Random(f"{seed}/{_log_size()}")
    bulk = BulkWriter(user, uuid_source=lambda: str(uuidlib.UUID(int=uuids.getrandbits(128), version=4)),
                      forget=(Household, Person, Membership, Visit, CampaignTarget, PaymentAccount, PaymentLine))
    # ID numbers already registered are never generated again (`--force` into a register).
    taken = {n for (n,) in Person.select(Person.id_number).where(Person.id_number.is_null(False)).tuples()}
    ctx = _Ctx(rng, bulk, until or date.today(), [], [], taken)
    local = rng.choice(_regions())
    with indexes_deferred():
        _make_places(ctx, households)
        _make_campaigns(ctx)
        _plan_payments(ctx, seed)
        for i in range(households):
            _make_household(ctx, local)
            if (i + 1) % flush_every == 0 or bulk.pending() >= FLUSH_ROWS:
                bulk.flush()
            if (i + 1) % REPORT_EVERY == 0 and i + 1 < households:
                report(i + 1, households)
        _make_volunteers(ctx, households)
        bulk.flush()
    report(households, households)
    from tui_register.storage.integrity import counts_per_entity

    counts = counts_per_entity()
    return {"households": counts["household"], "persons": counts["person"], "visits": counts["visit"],
            "volunteers": counts["volunteer"], "activities": counts["activity"],
            "rounds": counts["payment_round"], "payment_lines": counts["payment_line"]}


def _plan_payments(ctx: _Ctx, seed: int) -> None:
    """Standards and rounds, unless the register already has payments (`--force` into a
    register): a second round for a category and period is what the write path refuses."""
    if not PaymentRound.select().exists() and not PaymentStandard.select().exists():
        ctx.schedule = pay.plan(ctx.bulk, ctx.bulk.user, ctx.today)
        ctx.pay_rng = random.Random(f"{seed}/payments")
        ctx.accounts_seen = {n for (n,) in PaymentAccount.select(PaymentAccount.account_number).tuples()}
    followed = {code for (code,) in PaymentStandard.select(PaymentStandard.category).tuples()}
    ctx.follow_standard = pay.FOLLOW_STANDARD & (followed | (set(ctx.schedule.standards) if ctx.schedule else set()))
