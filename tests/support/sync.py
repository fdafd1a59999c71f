"""Helpers for the sync and hub tests: a real hub on 127.0.0.1 (uvicorn in a thread), faults
injected around it, a small office register, and comparing the hub's records with the office's.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid as uuidlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from pydantic import SecretStr

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import ALICE, cli_env, household_in, resident_id
from tui_register.config import Settings
from tui_register.sync.backoff import RetryPolicy

OFFICE = "GL-03"
FAST = RetryPolicy(attempts=6, wait_initial=0.01, wait_max=0.05, wait_jitter=0.01)


# ---------------------------------------------------------------- faults around the hub

@dataclass
class Gate:
    """Stops the `nth` batch request (1-based): `reached` is set when it gets there (`key` is its
    batch id), and it goes on once `release` is set."""

    nth: int
    key: str = ""
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class Faults:
    """ASGI wrapper around the real hub app that disturbs POST /v1/batches on request.

    `statuses`: answer the next requests with these (status, headers) instead of the hub.
    `drop_after_apply`: let the hub apply the next N batches, then close the connection without
    answering. `max_body`: 413 for bodies over this many bytes (as a proxy would). `pause`: hold
    a request, then pass it on. `before` / `after`: hold a request before the hub sees it (then
    drop it) or after the hub applied it (then drop the answer). `delay`: seconds before each
    request reaches the hub. `posts` logs (batch id, outcome); `answered` the hub's own statuses.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.statuses: list[tuple[int, dict[str, str]]] = []
        self.drop_after_apply = 0
        self.max_body: int | None = None
        self.pause: Gate | None = None
        self.before: Gate | None = None
        self.after: Gate | None = None
        self.delay = 0.0
        self.posts: list[tuple[str, str]] = []
        self.answered: list[int] = []  # the statuses the hub itself answered to passed-on batches
        self._count = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        self._count += 1
        headers = dict(scope["headers"])
        key = headers.get(b"idempotency-key", b"").decode()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.pause is not None and self._count == self.pause.nth:
            self.pause.key = key
            self.pause.reached.set()
            await asyncio.to_thread(self.pause.release.wait, 30)
        if self.before is not None and self._count == self.before.nth:
            self.before.key = key
            self.before.reached.set()
            await asyncio.to_thread(self.before.release.wait, 30)
            self.posts.append((key, "dropped before the hub"))
            return  # the client is gone; the hub never sees this batch
        if self.statuses:
            status, extra = self.statuses.pop(0)
            self.posts.append((key, str(status)))
            return await self._answer(receive, send, status, extra)
        if self.max_body is not None and int(headers.get(b"content-length", b"0")) > self.max_body:
            self.posts.append((key, "413"))
            return await self._answer(receive, send, 413, {})
        if self.drop_after_apply or (self.after is not None and self._count == self.after.nth):
            return await self._apply_then_drop(scope, receive, send, key)
        self.posts.append((key, "200"))

        async def noting(message: dict) -> None:
            if message["type"] == "http.response.start":
                self.answered.append(message["status"])
            await send(message)

        await self.app(scope, receive, noting)

    async def _apply_then_drop(self, scope: dict, receive: Any, send: Any, key: str) -> None:
        answer: list[dict] = []

        async def keep(message: dict) -> None:
            answer.append(message)

        await self.app(scope, receive, keep)
        if self.after is not None and self._count == self.after.nth:
            self.after.key = key
            self.after.reached.set()
            await asyncio.to_thread(self.after.release.wait, 30)
            self.posts.append((key, "applied, client killed"))
            return
        self.drop_after_apply -= 1
        self.posts.append((key, "applied, connection dropped"))
        # Start an answer and stop: uvicorn closes the connection mid-response.
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100000")]})

    @staticmethod
    async def _answer(receive: Any, send: Any, status: int, extra: dict[str, str]) -> None:
        while (await receive()).get("more_body"):
            pass
        headers = [(b"content-type", b"application/json"), *((k.encode(), v.encode()) for k, v in extra.items())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"error": "injected"}'})


# ---------------------------------------------------------------- the hub server

PG_ENV = "TUI_REGISTER_TEST_PG"  # postgresql://...: the hub tests run on PostgreSQL too (.ci/postgres)
PG_DIR_ENV = "TUI_REGISTER_TEST_PG_DIR"  # the cluster's folder, for tests that stop and start it
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str:
    """The test cluster's URL, or skip the test with the reason."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        pytest.skip(f"{PG_ENV} is not set: start a test cluster with `eval \"$(.ci/postgres start DIR)\"`")
    return url


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh database in the test cluster for one test (dropped afterwards); its URL."""
    base = pg_url()
    name = f"hub_{uuidlib.uuid4().hex[:12]}"
    _pg_admin(base, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        from tui_register.hub.models import hub_database

        if hub_database.obj is not None and not hub_database.obj.is_closed():
            hub_database.obj.close()
        _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # a connection of its own: the
        # test may have restarted the server


def _pg_admin(url: str, statement: str) -> None:
    import psycopg2

    admin = psycopg2.connect(url)
    admin.autocommit = True
    try:
        admin.cursor().execute(statement)
    finally:
        admin.close()


def pg_server(action: str) -> None:
    """Stop (`pause`) or start (`resume`) the test cluster: a PostgreSQL restart."""
    folder = os.environ.get(PG_DIR_ENV, "")
    if not folder:
        pytest.skip(f"{PG_DIR_ENV} is not set: the test cluster was not started by .ci/postgres")
    subprocess.run([str(Path(__file__).parents[2] / ".ci" / "postgres"), action, folder], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class HubServer:
    """The hub on 127.0.0.1 at a free port, in a thread, with `OFFICE` registered (`token`).

    `db` is its database: a SQLite file (Path) or a PostgreSQL URL (str).
    """

    def __init__(self, db: Path | str) -> None:
        self.db = db
        self.token = ""
        self.url = ""
        self.faults: Faults | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "HubServer":
        import uvicorn

        from tui_register.hub.app import create_app
        from tui_register.hub.db import open_hub_database
        from tui_register.hub.offices import add_office

        open_hub_database(str(self.db))
        self.token = add_office(OFFICE)
        self.faults = Faults(create_app())
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self.faults, log_level="critical", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        # In a thread uvicorn installs no signal handlers.
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)


@contextmanager
def hub_server(backend: str, tmp_path: Path) -> Iterator[HubServer]:
    """A running hub on the backend ("sqlite" or "postgresql"; the latter skips without a cluster)."""
    if backend == "sqlite":
        with HubServer(tmp_path / "hub.db") as server:
            yield server
        return
    with pg_database() as url, HubServer(url) as server:
        yield server


def hub_rows(hub_db: Path | str, sql: str, params: tuple) -> list[tuple]:
    """Rows of a query (? placeholders) on a hub's database, read by a connection of its own."""
    if isinstance(hub_db, str) and hub_db.startswith("postgres"):
        import psycopg2

        conn = psycopg2.connect(hub_db)
        try:
            cursor = conn.cursor()
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()
        finally:
            conn.close()
    conn = sqlite3.connect(f"file:{hub_db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------- the office

def settings_for(db: Path, hub: HubServer, *, batch_size: int = 5, token: str | None = None,
                 **extra: Any) -> Settings:
    return Settings.model_validate({
        "db_path": db, "office_code": OFFICE, "sync_endpoint": hub.url,
        "sync_token": SecretStr(hub.token if token is None else token), "sync_batch_size": batch_size,
        "sync_connect_timeout": 2, "sync_read_timeout": 10, "sync_total_timeout": 60, **extra})


def populate() -> dict[str, str]:
    """A small register written into the open one; returns some UUIDs by name."""
    from tui_register.storage.models import database

    build = RegisterBuilder(database.obj, ALICE)
    grid = build.places("城关街道", "东关社区", "第一网格")
    names: dict[str, str] = {"grid": grid}
    for i, head in enumerate(("张三丰", "李秀英", "王建国")):
        id_number = resident_id(date(1950 + i, 3, 4), 11 + i * 2)
        household = build.household(grid, f"人民路{i + 1}号", head, id_number=id_number,
                                    members=[member(f"{head[0]}小明", sex="M", birth=date(1990, 1, i + 1))],
                                    categories=[category("urban_dibao", amount="500", period="monthly")])
        build.visit(household.uuid, date(2025, 3, i + 1))
        names[f"household{i}"] = household.uuid
    names["campaign"] = build.campaign([names["household0"], names["household1"]]).uuid
    volunteer = build.volunteer("赵敏")
    activity = build.activity()
    build.participation(activity.uuid, volunteer.uuid)
    return names


def populate_payments(names: dict[str, str]) -> None:
    """On top of `populate()`: a standard, accounts, and an approved round with its lines."""
    from tui_register.domain.records import AccountIn, StandardIn, validate
    from tui_register.storage import payments as P

    P.add_standard(ALICE, validate(StandardIn, {"category": "severe_disability", "valid_from": "2024-01-01",
                                                "amount": "65", "period": "monthly"}))
    for i, holder in enumerate(("张三丰", "李秀英", "王建国")):
        P.add_account(ALICE, validate(AccountIn, {"household": names[f"household{i}"], "kind": "bank",
                                                  "bank_name": "农业银行", "holder_name": holder,
                                                  "account_number": f"62220212345678901{i:02d}"}))
    paid = P.create_round(ALICE, ["urban_dibao"], "2025-03")
    P.approve_round(ALICE, paid.number, single_supervisor=True)
    names["round"] = paid.uuid


def edit_household(uuid: str, notes: str) -> None:
    """A staff edit of a household (a new change of it)."""
    from tui_register.storage.households import update_household
    from tui_register.storage.models import Household

    household = Household.get(Household.uuid == uuid)
    update_household(ALICE, uuid, household.version,
                     household_in(household.place.uuid, household.address, notes=notes))


def synced_seqs() -> set[int]:
    from tui_register.storage.models import database
    from tui_register.storage.sync_state import SYNCED_ENTITIES

    marks = ", ".join("?" for _ in SYNCED_ENTITIES)
    rows = database.execute_sql(f"SELECT seq FROM change_log WHERE entity IN ({marks})", SYNCED_ENTITIES)
    return {seq for (seq,) in rows}


def office_latest() -> dict[str, tuple[str, int, dict[str, Any]]]:
    """uuid -> (entity, version, snapshot) of every synced record's newest change."""
    from tui_register.storage.models import database

    rows = database.execute_sql(
        "SELECT entity, uuid, version, snapshot FROM change_log c WHERE entity != 'staff' AND seq = "
        "(SELECT max(seq) FROM change_log WHERE uuid = c.uuid)").fetchall()
    return {uuid: (entity, version, json.loads(snapshot)) for entity, uuid, version, snapshot in rows}


def not_at_hub() -> set[str]:
    """Records whose newest state is not meant to be at the hub: open quarantine entries, and
    dismissed ones whose record has not been sent since."""
    from tui_register.storage.sync_state import SyncQuarantine

    query = SyncQuarantine.select(SyncQuarantine.uuid).where(
        (SyncQuarantine.state == "open")
        | ((SyncQuarantine.state == "dismissed") & SyncQuarantine.rebased_seq.is_null()))
    return {row.uuid for row in query}


def hub_records(hub_db: Path | str, office: str = OFFICE) -> dict[str, tuple[str, int, dict[str, Any]]]:
    rows = hub_rows(hub_db, "SELECT entity, uuid, version, snapshot FROM hub_record WHERE office = ?", (office,))
    return {uuid: (entity, version, snapshot if isinstance(snapshot, dict) else json.loads(snapshot))
            for entity, uuid, version, snapshot in rows}


def hub_applied_seqs(hub_db: Path | str, office: str = OFFICE) -> list[int]:
    return [seq for (seq,) in hub_rows(hub_db, "SELECT seq FROM hub_change WHERE office = ? ORDER BY seq", (office,))]


def assert_in_step(hub_db: Path, *, hub_only: frozenset[str] = frozenset()) -> None:
    """The hub's record equals the office's newest snapshot, field by field, for every record
    that is meant to be there; the hub has nothing else (but `hub_only`)."""
    office = office_latest()
    hub = hub_records(hub_db)
    skip = not_at_hub()
    for uuid, (entity, version, snapshot) in office.items():
        if uuid in skip:
            continue
        assert uuid in hub, f"{entity} {uuid} is not at the hub"
        hub_entity, hub_version, hub_snapshot = hub[uuid]
        assert (hub_entity, hub_version) == (entity, version), uuid
        assert sorted(hub_snapshot) == sorted(snapshot), f"{entity} {uuid}: fields differ"
        for name, value in snapshot.items():
            assert hub_snapshot[name] == value, f"{entity} {uuid}.{name}: hub {hub_snapshot[name]!r} != {value!r}"
    assert set(hub) - set(office) <= hub_only


# ---------------------------------------------------------------- the client as a process

def start_client(db: Path, hub: HubServer, *args: str, batch_size: int = 5) -> subprocess.Popen:
    """`python -m tui_register --db DB sync ARGS` with the sync settings in the environment."""
    env = cli_env("en")
    env.update(TUI_REGISTER_OFFICE_CODE=OFFICE, TUI_REGISTER_SYNC_ENDPOINT=hub.url,
               TUI_REGISTER_SYNC_TOKEN=hub.token, TUI_REGISTER_SYNC_BATCH_SIZE=str(batch_size))
    return subprocess.Popen([sys.executable, "-m", "tui_register", "--db", str(db), "sync", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
