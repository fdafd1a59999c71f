"""Finding households: names (one, two, three characters), pinyin, IDs, phones, addresses,
full-width input, several terms; the index following edits; keyset paging in every sort
order, forward and back; totals under filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.support.records import (
    ALICE,
    household_in,
    membership_in,
    person_in,
    place_in,
    resident_id,
    resident_id_ending_x,
    status_in,
    visit_in,
)
from tui_register.domain.categories import parse_categories
from tui_register.storage import household_queries as queries
from tui_register.storage import households as H
from tui_register.storage import visits as V
from tui_register.storage.household_queries import HouseholdFilter
from tui_register.storage.models import Household, database

HEAD_ID = resident_id(date(1950, 3, 4), 11)
X_ID = resident_id_ending_x(date(1948, 10, 1))


def found(text: str, **filters) -> set[str]:
    """Addresses of the households a search finds (every status unless told)."""
    filters.setdefault("status", None)
    rows = queries.household_page(HouseholdFilter(text=text, **filters), "place", limit=100)
    assert queries.household_totals(HouseholdFilter(text=text, **filters))[0] == len(rows)
    return {r.address for r in rows}


# Addresses name the households in the assertions.
A1, A2, A3, A4 = "人民路12号3栋201室", "解放路8号", "和平村3组15号", "建设路99号"


@pytest.fixture
def town(reg):
    """Four households:
    A1: head 张三丰 (ID), spouse 李娜; household phone 13912345678
    A2: head 张三 (no ID); phone 13800001111
    A3: head 王小明 (ID ending in X), member 欧阳娜娜 (mobile 15011112222); no phone
    A4: nobody yet
    """
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    east = H.create_place(ALICE, place_in("东关社区", "village", township.uuid))
    west = H.create_place(ALICE, place_in("西关社区", "village", township.uuid))
    h1 = H.create_household(ALICE, household_in(east.uuid, A1, "13912345678"),
                            person_in(None, "张三丰", id_number=HEAD_ID))
    H.add_person(ALICE, person_in(h1.uuid, "李娜", sex="F", birth=date(1952, 7, 8), relation="spouse"))
    h2 = H.create_household(ALICE, household_in(east.uuid, A2, "13800001111"),
                            person_in(None, "张三", sex="M", birth=date(1961, 2, 3)))
    h3 = H.create_household(ALICE, household_in(west.uuid, A3), person_in(None, "王小明", id_number=X_ID))
    H.add_person(ALICE, person_in(h3.uuid, "欧阳娜娜", sex="F", birth=date(1975, 5, 5), relation="daughter",
                                  phone="15011112222"))
    h4 = H.create_household(ALICE, household_in(west.uuid, A4))
    return {"h1": h1, "h2": h2, "h3": h3, "h4": h4, "east": east, "west": west}


def other_text(uuid_to_skip: str) -> str:
    """Every ID, phone and address outside one household: to prove a fragment is unique."""
    rows = database.execute_sql(
        "SELECT h.address, h.phone, coalesce(p.id_number, ''), coalesce(p.phone, '') FROM household h "
        "LEFT JOIN person p ON p.household_id = h.id WHERE h.uuid != ?", (uuid_to_skip,)).fetchall()
    return " ".join(" ".join(r) for r in rows)


@pytest.mark.parametrize("query, expected", [
    ("娜", {A1, A3}),  # one character
    ("李娜", {A1}),  # two-character full name
    ("娜娜", {A3}),
    ("张三", {A1, A2}),  # a two-character name is also part of a three-character one
    ("张三丰", {A1}),  # three characters
    ("王小明", {A3}),
    ("欧阳娜娜", {A3}),
    ("zsf", {A1}),  # pinyin initials
    ("zs", {A1, A2}),
    ("wxm", {A3}),
    ("zhangsanfeng", {A1}),  # full pinyin
    ("zhangsan", {A1, A2}),
    ("ouyang", {A3}),
    ("ZhangSan", {A1, A2}),
    ("人民路", {A1}),  # address fragments
    ("和平村3组", {A3}),
    ("建设路99", {A4}),  # a household with nobody in it is still found by address
    ("12345678", {A1}),  # household phone
    ("0001111", {A2}),
    ("15011112222", {A3}),  # a member's mobile
    ("ｚｓｆ", {A1}),  # full-width input from an IME
    ("ＺＨＡＮＧＳＡＮ", {A1, A2}),
    ("１２３４５６７８", {A1}),
    ("张 人民路", {A1}),  # terms are AND-ed
    ("zs 解放路", {A2}),
    ("zsf 解放路", set()),
    ("娜　和平村", {A3}),  # ideographic space separates terms too
    ("李四", set()),
    ("zzz", set()),
])
def test_search_finds(town, query, expected):
    assert found(query) == expected


def matched(text: str) -> dict[str, str]:
    """Address -> the member shown with the head, for each household a search finds."""
    rows = queries.household_page(HouseholdFilter(text=text, status=None), "place", limit=100)
    return {r.address: r.matched_name for r in rows}


@pytest.mark.parametrize("query, expected", [
    ("李娜", {A1: "李娜"}),  # the spouse, not the head 张三丰
    ("ln", {A1: "李娜"}),  # initials
    ("娜娜", {A3: "欧阳娜娜"}),
    ("oyn", {A3: "欧阳娜娜"}),  # three initials: the trigram path
    ("15011112222", {A3: "欧阳娜娜"}),  # a member's mobile
    ("ouyang", {A3: "欧阳娜娜"}),
    ("娜", {A1: "李娜", A3: "欧阳娜娜"}),
    ("张三丰", {A1: ""}),  # the head matched: the row already shows why
    ("zs", {A1: "", A2: ""}),
    ("人民路", {A1: ""}),  # the address matched, nobody in particular
    ("李娜 人民路", {A1: "李娜"}),
])
def test_the_page_names_the_member_a_search_found(town, query, expected):
    assert matched(query) == expected


def test_the_matched_members_of_a_page_are_read_in_one_query(town):
    from tui_register.storage import search

    calls: list[str] = []

    def counting(sql, params=()):
        calls.append(sql)
        return database.execute_sql(sql, params)

    ids = [r.id for r in queries.household_page(HouseholdFilter(text="娜"), "place", limit=100)]
    assert len(ids) == 2
    assert search.matched_members(counting, "娜", ids) == {
        Household.get(Household.uuid == town["h1"].uuid).id: "李娜",
        Household.get(Household.uuid == town["h3"].uuid).id: "欧阳娜娜"}
    assert len(calls) == 1


@pytest.mark.parametrize("digits", [4, 6, 18])
def test_search_by_the_end_of_an_id_number(town, digits):
    fragment = HEAD_ID[-digits:]
    assert fragment not in other_text(town["h1"].uuid)
    assert found(fragment) == {A1}


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_search_by_an_id_ending_in_x(town, case):
    fragment = case(X_ID[-4:])
    assert X_ID[-4:] not in other_text(town["h3"].uuid)
    assert found(fragment) == {A3}
    assert found(case(X_ID)) == {A3}


def test_default_filter_shows_active_households_only(town):
    hh = Household.get(Household.uuid == town["h2"].uuid)
    H.set_household_status(ALICE, hh.uuid, hh.version, status_in("closed", "迁出本辖区"))
    assert found("zs") == {A1, A2}
    assert found("zs", status="active") == {A1}
    assert found("zs", status="closed") == {A2}


def test_index_follows_edits(town):
    h1 = Household.get(Household.uuid == town["h1"].uuid)
    head = h1.head
    H.update_person(ALICE, head.uuid, head.version, person_in(h1.uuid, "刘德华", sex="M",
                                                              birth=date(1950, 3, 4), relation="head"))
    for gone in ("张三丰", "三丰", "zsf", "zhangsanfeng", HEAD_ID[-6:]):
        assert found(gone) == set(), gone
    assert found("zs") == {A2}
    assert found("刘德华") == {A1} and found("ldh") == {A1} and found("德华") == {A1} and found("liudehua") == {A1}

    h2 = Household.get(Household.uuid == town["h2"].uuid)
    H.update_household(ALICE, h2.uuid, h2.version, household_in(town["east"].uuid, "胜利路5号", "13999990000"))
    assert found("解放路") == set() and found("13800001111") == set()
    assert found("胜利路") == {"胜利路5号"} and found("99990000") == {"胜利路5号"}

    H.add_person(ALICE, person_in(town["h4"].uuid, "赵敏", sex="F", birth=date(1990, 1, 1)))
    assert found("赵敏") == {A4} and found("zm") == {A4}


def test_search_index_matches_a_full_rebuild(town):
    """What the write path keeps in the index is what a rebuild from scratch produces."""
    from tui_register.storage import search

    def index():
        fts = database.execute_sql("SELECT rowid, doc FROM household_fts ORDER BY rowid").fetchall()
        grams = database.execute_sql("SELECT gram, household_id FROM household_gram ORDER BY 1, 2").fetchall()
        return fts, grams

    h1 = Household.get(Household.uuid == town["h1"].uuid)
    H.update_person(ALICE, h1.head.uuid, h1.head.version, person_in(h1.uuid, "刘德华", sex="M",
                                                                    birth=date(1950, 3, 4), relation="head"))
    kept = index()
    with database.atomic():
        search.rebuild_all(database.connection())
    assert index() == kept


# ---------------------------------------------------------------- paging and totals

VILLAGES = ("东关社区", "东关社区北", "西关社区")
GRIDS = (("东关社区", "第一网格"), ("东关社区", "第二网格"), ("东关社区北", "第一网格"), ("西关社区", "第一网格"))
HEADS = ("王伟", "李娜", "张三", "王伟", "陈静", "刘洋", None, "赵磊", "周婷", "王伟", "杨帆", None,
         "黄丽", "吴敏", "徐强", "孙丽", "马超", None, "朱红", "胡军", "郭芳", "何平", "王伟")
OTHERS = ("小红", "小刚", "小芳")


@dataclass
class Spec:
    """What a test household was built with: the oracle for totals."""
    index: int
    village: str
    grid: str
    head: str | None
    members: int  # active persons
    categories: set[str]
    status: str
    visits: list[date] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"城关街道/{self.village}/{self.grid}"


def _spec(i: int) -> Spec:
    village, grid = GRIDS[i % len(GRIDS)]
    head = HEADS[i]
    extras = i % 3
    deceased = 1 if extras and i % 7 == 3 else 0
    members = (1 if head else 0) + extras - deceased
    categories = set()
    if i % 2 == 0:
        categories.add("urban_dibao")
    if i % 3 == 0:  # with 城市低保 too where i is even: counted once under 低保
        categories.add("rural_dibao")
    if head and i % 5 == 0:
        categories.add("veteran")
    status = "closed" if i % 8 == 5 else "suspended" if i % 8 == 6 else "active"
    visits = [] if i % 4 == 1 else [date(2025, 1, 1) + timedelta(days=10 * (i % 5)), date(2024, 6, 1)]
    return Spec(i, village, grid, head, members, categories, status, visits)


SPECS = [_spec(i) for i in range(len(HEADS))]


def _build_paged(path: Path) -> None:
    from tui_register.storage.register import open_register

    db = open_register(path, ALICE)
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    grids = {}
    for village in VILLAGES:
        v = H.create_place(ALICE, place_in(village, "village", township.uuid))
        for gv, gname in GRIDS:
            if gv == village:
                grids[(village, gname)] = H.create_place(ALICE, place_in(gname, "grid", v.uuid)).uuid
    for spec in SPECS:
        head = person_in(None, spec.head, sex="M", birth=date(1950, 1, 1)) if spec.head else None
        hh = H.create_household(ALICE, household_in(grids[(spec.village, spec.grid)], f"测试路{spec.index + 1}号"),
                                head)
        others = [H.add_person(ALICE, person_in(hh.uuid, OTHERS[k], sex="F", birth=date(1980, 1, 1)))
                  for k in range(spec.index % 3)]
        if others and spec.index % 7 == 3:
            H.set_person_status(ALICE, others[0].uuid, 1, status_in("deceased", "病故"))
        for code in sorted(spec.categories):
            if code == "veteran":
                H.add_membership(ALICE, membership_in(code, person=Household.get_by_id(hh.id).head.uuid))
            else:
                H.add_membership(ALICE, membership_in(code, household=hh.uuid))
        for day in spec.visits:
            V.add_visit(ALICE, visit_in(hh.uuid, day))
        if spec.status != "active":
            current = Household.get_by_id(hh.id)
            H.set_household_status(ALICE, hh.uuid, current.version, status_in(spec.status, "测试"))
    db.close()


@pytest.fixture(scope="module")
def paged_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("paged") / "paged.db"
    _build_paged(path)
    return path


@pytest.fixture
def paged(paged_path):
    from tui_register.storage.db import open_database

    db = open_database(paged_path, create=False)
    yield SPECS
    db.close()


def all_rows(flt: HouseholdFilter) -> list[queries.HouseholdRow]:
    return queries.household_page(flt, "place", limit=10_000)


def expected_order(rows, sort: str) -> list[str]:
    if sort == "place":
        return [r.uuid for r in sorted(rows, key=lambda r: (r.place_path, r.head_sort, r.id))]
    if sort == "name":
        return [r.uuid for r in sorted(rows, key=lambda r: (r.head_sort, r.id))]
    visited = sorted((r for r in rows if r.last_visit), key=lambda r: (r.last_visit, r.id), reverse=True)
    never = sorted((r for r in rows if not r.last_visit), key=lambda r: r.id, reverse=True)
    return [r.uuid for r in visited + never]


def walk(flt: HouseholdFilter, sort: str, limit: int) -> list[list[queries.HouseholdRow]]:
    pages = []
    page = queries.household_page(flt, sort, limit=limit)
    while page:
        assert len(pages) < 100, "paging does not end"
        pages.append(page)
        page = queries.household_page(flt, sort, after=page[-1].key(sort), limit=limit)
    return pages


def test_paged_register_is_what_it_should_be(paged):
    rows = all_rows(HouseholdFilter(status=None))
    assert len(rows) == len(SPECS)
    by_address = {r.address: r for r in rows}
    for spec in SPECS:
        row = by_address[f"测试路{spec.index + 1}号"]
        assert row.place_path == spec.path and row.head_name == (spec.head or "")
        assert row.member_count == spec.members and set(row.category_codes) == spec.categories
        assert row.last_visit == (max(spec.visits) if spec.visits else None) and row.status == spec.status
    assert any(r.last_visit is None for r in rows) and any(r.head_sort == "" for r in rows)
    assert len({r.head_sort for r in rows if r.head_name == "王伟"}) == 1  # ties broken by id


@pytest.mark.parametrize("sort", ["place", "name", "last_visit"])
@pytest.mark.parametrize("limit", [1, 4, 7, 23])
def test_keyset_paging_walks_every_household_once_and_back(paged, sort, limit):
    flt = HouseholdFilter(status=None)
    rows = all_rows(flt)
    pages = walk(flt, sort, limit)
    walked = [r.uuid for page in pages for r in page]
    assert walked == expected_order(rows, sort)
    assert all(len(p) == limit for p in pages[:-1])
    assert queries.household_page(flt, sort, before=pages[0][0].key(sort), limit=limit) == []
    for i in range(len(pages) - 1, 0, -1):
        back = queries.household_page(flt, sort, before=pages[i][0].key(sort), limit=limit)
        assert [r.uuid for r in back] == [r.uuid for r in pages[i - 1]], (sort, limit, i)


@pytest.mark.parametrize("sort", ["place", "name", "last_visit"])
def test_keyset_paging_under_a_filter(paged, sort):
    flt = HouseholdFilter(category="urban_dibao", status="active")
    rows = all_rows(flt)
    assert len(rows) == sum(1 for s in SPECS if "urban_dibao" in s.categories and s.status == "active")
    pages = walk(flt, sort, 3)
    assert [r.uuid for p in pages for r in p] == expected_order(rows, sort)
    for i in range(len(pages) - 1, 0, -1):
        back = queries.household_page(flt, sort, before=pages[i][0].key(sort), limit=3)
        assert back == pages[i - 1]


def _expected_totals(**flt) -> tuple[int, int]:
    chosen = [s for s in SPECS
              if (flt.get("status") is None or s.status == flt["status"])
              and (flt.get("category") is None or set(parse_categories(flt["category"])) & s.categories)
              and (flt.get("place_path") is None or s.path == flt["place_path"]
                   or s.path.startswith(flt["place_path"] + "/"))]
    return len(chosen), sum(s.members for s in chosen)


@pytest.mark.parametrize("flt", [
    dict(status=None),
    dict(status="active"),
    dict(status="closed"),
    dict(status="suspended"),
    dict(category="urban_dibao", status=None),
    dict(category="veteran", status="active"),
    dict(category="orphan", status=None),
    dict(category="dibao", status=None),  # the group: 城市低保 or 农村低保, each household once
    dict(category="rural_dibao", status=None),
    dict(place_path="城关街道", status=None),
    dict(place_path="城关街道/东关社区", status=None),  # not 东关社区北
    dict(place_path="城关街道/东关社区北", status=None),
    dict(place_path="城关街道/东关社区/第二网格", status="active"),
    dict(place_path="城关街道/东关", status=None),  # a prefix of a name is no place
    dict(place_path="城关街道/西关社区", category="urban_dibao", status="active"),
])
def test_household_totals(paged, flt):
    expected = _expected_totals(**flt)
    assert queries.household_totals(HouseholdFilter(**flt)) == expected
    assert len(all_rows(HouseholdFilter(**flt))) == expected[0]


def test_default_filter_counts_active_households(paged):
    assert queries.household_totals(HouseholdFilter()) == _expected_totals(status="active")
    assert _expected_totals(status="active")[0] < len(SPECS)


def test_place_filter_includes_places_named_with_rare_characters(reg):
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    rare = H.create_place(ALICE, place_in("𠀾村", "village", township.uuid))
    common = H.create_place(ALICE, place_in("东关社区", "village", township.uuid))
    H.create_household(ALICE, household_in(rare.uuid, "𠀾村1组1号"), person_in(None, "张三"))
    H.create_household(ALICE, household_in(common.uuid, "人民路1号"), person_in(None, "李四"))
    assert queries.household_totals(HouseholdFilter(place_path="城关街道")) == (2, 2)
