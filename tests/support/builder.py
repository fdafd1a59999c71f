"""One way to build a test register: `RegisterBuilder`, through the real storage write functions.

Every write goes through the same functions the program uses (one transaction each, with its
change-log row), so a built register is one the program could have made. The input models
come from `tests.support.records`; `today` is the date they are validated against (None: the
real date), as a form validates what is typed on that day.

    with RegisterBuilder(path, ALICE) as build:      # a new register file, closed at the end
        grid = build.places("城关街道", "东关社区", "第一网格")
        home = build.household(grid, "人民路1号", "张三丰", id_number=...,
                               members=[member("李秀英", relation="spouse")],
                               categories=[category("urban_dibao", amount="590", period="monthly")])
        build.visit(home, date(2025, 3, 1))

`RegisterBuilder(db, user)` adds to a register that is already open (the `reg` fixture).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from tests.support.records import (
    ALICE,
    activity_in,
    campaign_in,
    household_in,
    membership_in,
    participation_in,
    person_in,
    place_in,
    status_in,
    visit_in,
    volunteer_in,
)


@dataclass(frozen=True)
class Member:
    """A person to add to a household: `person_in` arguments but the household."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)


def member(name: str, **fields: Any) -> Member:
    return Member(name, fields)


@dataclass(frozen=True)
class Category:
    """A category membership: of the household, or (`of_head`) of its head person."""

    code: str
    of_head: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


def category(code: str, *, of_head: bool = False, **fields: Any) -> Category:
    """`fields` are `membership_in` arguments (start, amount, period)."""
    return Category(code, of_head, fields)


class RegisterBuilder:
    """Writes a test register as `user`; opens `register` when it is a path (creating it)."""

    def __init__(self, register: Path | str | Any, user: str = ALICE, *, today: date | None = None,
                 create: bool = True) -> None:
        from tui_register.storage.models import database
        from tui_register.storage.register import open_register

        self.user = user
        self.today = today
        if isinstance(register, (str, Path)):
            self.path: Path | None = Path(register)
            self.db = open_register(self.path, user, create=create)
            self._owns = True
        else:
            self.db, self.path, self._owns = register, Path(register.database), False
            if database.obj is not register:
                database.initialize(register)

    def close(self) -> None:
        """Close the register if this builder opened it."""
        if self._owns and not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> "RegisterBuilder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ generated data and staff

    def demo(self, households: int, *, seed: int, until: date) -> None:
        """The demo data (`tui-register demo`): places, households, visits, volunteers."""
        from tui_register import demo

        demo.generate(households, seed=seed, user=self.user, until=until)

    def staff(self, login: str, display_name: str, role: str):
        from tui_register.storage import staff

        return staff.add_staff(self.user, login, display_name, role)

    # ------------------------------------------------------------ places and households

    def place(self, name: str, level: str, parent: str | None = None) -> str:
        """A new place; its uuid."""
        from tui_register.storage.households import create_place

        return create_place(self.user, place_in(name, level, parent)).uuid

    def places(self, township: str, village: str, grid: str) -> str:
        """A township with one village with one grid; the grid's uuid."""
        return self.place(grid, "grid", self.place(village, "village", self.place(township, "township")))

    def household(self, place: str, address: str, head: str, *, phone: str = "", notes: str = "",
                  id_number: str = "", sex: str = "M", birth: date | None = date(1950, 3, 4),
                  head_phone: str = "", members: Iterable[Member] = (),
                  categories: Iterable[Category] = ()):
        """A household with its head (ID number, or sex and birth date), then its other members
        and categories in the order given; the storage Household."""
        from tui_register.storage.households import create_household

        created = create_household(
            self.user, household_in(place, address, phone=phone, notes=notes, today=self.today),
            person_in(None, head, id_number=id_number, sex=sex, birth=birth, relation="head", phone=head_phone,
                      today=self.today))
        for person in members:
            self.person(created.uuid, person.name, **person.fields)
        for each in categories:
            target = {"person": created.head.uuid} if each.of_head else {"household": created.uuid}
            self.membership(each.code, **target, **each.fields)
        return created

    def person(self, household: str, name: str, **fields: Any):
        """`fields` are `person_in` arguments; the storage Person."""
        from tui_register.storage.households import add_person

        return add_person(self.user, person_in(household, name, today=self.today, **fields))

    def membership(self, code: str, **fields: Any):
        """`fields` are `membership_in` arguments (person= or household=, start, amount, period)."""
        from tui_register.storage.households import add_membership

        return add_membership(self.user, membership_in(code, today=self.today, **fields))

    def set_status(self, household: str, status: str, reason: str = "", day: date = date(2025, 5, 6)):
        """A household's status change (closed, moved, ...) from its current version."""
        from tui_register.storage.households import set_household_status
        from tui_register.storage.models import Household

        version = Household.get(Household.uuid == household).version
        return set_household_status(self.user, household, version, status_in(status, reason, day, today=self.today))

    # ------------------------------------------------------------ visits and campaigns

    def visit(self, household: str, day: date, **fields: Any):
        """`fields` are `visit_in` arguments (visitors, purpose, cash, goods, campaign, ...)."""
        from tui_register.storage.visits import add_visit

        return add_visit(self.user, visit_in(household, day, today=self.today, **fields))

    def void_visit(self, visit, reason: str):
        from tui_register.storage.visits import void_visit

        return void_visit(self.user, visit.uuid, visit.version, reason)

    def campaign(self, households: Iterable[str], name: str = "2025年春节走访慰问", **fields: str):
        """A campaign with these target households; `fields` replace `campaign_in`'s defaults."""
        from tui_register.storage.visits import create_campaign

        return create_campaign(self.user, campaign_in(name, today=self.today, **fields), list(households))

    def campaign_visit(self, campaign: str, household: str, day: date):
        """The one-key visit with the campaign's defaults."""
        from tui_register.storage.visits import campaign_visit

        return campaign_visit(self.user, campaign, household, day)

    # ------------------------------------------------------------ volunteers

    def volunteer(self, name: str, id_number: str = "", **fields: str):
        """`fields`: phone, organisation."""
        from tui_register.storage.volunteers import add_volunteer

        return add_volunteer(self.user, volunteer_in(name, id_number, today=self.today, **fields))

    def activity(self, title: str = "环境整治", day: date = date(2025, 4, 5)):
        from tui_register.storage.volunteers import add_activity

        return add_activity(self.user, activity_in(title, day, today=self.today))

    def participation(self, activity: str, volunteer: str, hours: str = "2.5"):
        from tui_register.storage.volunteers import add_participation

        return add_participation(self.user, participation_in(activity, volunteer, hours))
