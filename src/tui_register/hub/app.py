"""The hub's HTTP interface (Starlette): health, batches, an office's figures.

Database work runs in Starlette's thread pool (Peewee is synchronous; each thread has its own
connection). Every refusal is JSON ``{"error": code, "message": text}``; the codes are listed in
docs/sync-protocol.md. A database that does not answer (PostgreSQL restarting, SQLite locked by
another writer for longer than its busy timeout) gets 503 with Retry-After: the client retries.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import zlib
from datetime import date, timedelta
from typing import Any, Callable

from peewee import DatabaseError, InterfaceError, OperationalError
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tui_register.hub import batches
from tui_register.hub.models import hub_database
from tui_register.hub.offices import office_for_token, token_hash
from tui_register.i18n import _
from tui_register.sync import protocol
from tui_register.sync.protocol import MAX_BATCH_BYTES, Batch

log = logging.getLogger(__name__)

MAX_COMPRESSED = MAX_BATCH_BYTES  # the body as sent (gzip or not)
MAX_JSON = MAX_BATCH_BYTES  # the JSON once inflated: a batch's memory is bounded by this
MAX_CHANGES = protocol.MAX_BATCH_CHANGES
# Batches read, parsed and applied at once; the others wait unread (memory). A batch over
# LARGE_JSON once inflated also takes one of LARGE_SLOTS before it is parsed: two at the cap
# (5,000 changes) peaked at 143 MB. Small ones (200 changes, 150 kB) take a few MB each, and
# while one waits for the database (PostgreSQL's work is in its own processes) the hub checks
# another office's: with two slots in all, the third of three offices pushing waited unread.
BATCH_SLOTS = 4
LARGE_SLOTS = 2
LARGE_JSON = 1024 * 1024
RETRY_AFTER = "2"  # seconds, when the database is away or busy
# A token found valid lets its office's next batches be read without asking the database first
# for this long; the batch's own transaction checks it again (a revoked token writes nothing).
# One round trip less per batch: on PostgreSQL each waits for the server to be scheduled.
TOKEN_TRUSTED = 60.0  # seconds

_tokens: dict[str, tuple[str, float]] = {}  # token hash -> (office, trusted until), event loop only

_slots: asyncio.Semaphore | None = None
_large: asyncio.Semaphore | None = None


class _Refusal(Exception):
    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None, **params: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.headers = headers or {}
        self.extra = extra or {}
        self.params = params

    def response(self) -> JSONResponse:
        body = {"error": self.code, "message": _(f"hub.error.{self.code}", **self.params), **self.extra}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def _database_call(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` on this thread's connection; a database that does not answer closes the
    connection (the next call opens a new one) and becomes a 503."""
    try:
        if hub_database.is_closed():
            hub_database.connect()
        return function(*args)
    except (OperationalError, InterfaceError) as exc:
        busy = "locked" in str(exc) or "busy" in str(exc)
        log.warning("hub database %s: %s", "busy" if busy else "unavailable", exc)
        try:
            hub_database.close()
        except DatabaseError:
            pass
        raise _Refusal(503, "busy" if busy else "unavailable", {"Retry-After": RETRY_AFTER}) from None


async def _db(function: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(_database_call, function, *args)


async def _office(request: Request, trusted: bool = False) -> tuple[str, str]:
    """The office of the bearer token and the token's hash, or a 401 refusal; `trusted`: a token
    found valid less than TOKEN_TRUSTED ago is not looked up again (the caller checks it later)."""
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise _Refusal(401, "unauthorized")
    digest = token_hash(token.strip())
    known = _tokens.get(digest)
    if trusted and known is not None and known[1] > time.monotonic():
        return known[0], digest
    office = await _db(office_for_token, token.strip())
    if not office:
        _tokens.pop(digest, None)
        raise _Refusal(401, "unauthorized")
    _tokens[digest] = (office, time.monotonic() + TOKEN_TRUSTED)
    return office, digest


async def _body(request: Request) -> bytes:
    """The request's JSON bytes, inflated as they arrive when sent with Content-Encoding: gzip;
    413 as soon as the body or what it inflates to passes the limit (never held whole first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_COMPRESSED:
        raise _Refusal(413, "too_large", max_bytes=MAX_COMPRESSED)
    gzipped = request.headers.get("content-encoding", "").lower() == "gzip"
    inflater = zlib.decompressobj(wbits=31)
    parts: list[bytes] = []
    received = produced = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_COMPRESSED:
            raise _Refusal(413, "too_large", max_bytes=MAX_COMPRESSED)
        if gzipped and chunk:
            try:
                chunk = inflater.decompress(chunk, MAX_JSON - produced + 1)
            except zlib.error:
                raise _Refusal(400, "bad_gzip") from None
            if inflater.unconsumed_tail:
                raise _Refusal(413, "too_large", max_bytes=MAX_JSON)  # a small body that inflates past the limit
        produced += len(chunk)
        if produced > MAX_JSON:
            raise _Refusal(413, "too_large", max_bytes=MAX_JSON)
        parts.append(chunk)
    if gzipped and not inflater.eof:
        raise _Refusal(400, "bad_gzip")
    return b"".join(parts)


def _batch(data: bytes) -> Batch:
    """The batch, or 413 (too many changes) or 422 naming the first change that is wrong."""
    try:
        batch = Batch.model_validate_json(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
    else:
        if len(batch.changes) > MAX_CHANGES:
            raise _Refusal(413, "too_many_changes", max_changes=MAX_CHANGES)
        return batch
    errors.sort(key=lambda e: tuple(e["loc"][:1]) != ("changes",))  # a change's own problem first
    problems = [_problem(data, e) for e in errors[:20]]
    first = problems[0]
    where = (_("hub.error.in_change", index=first["change"] + 1, seq=first.get("seq", "?"))
             if "change" in first else "")
    raise _Refusal(422, "invalid_batch", extra={"problems": problems}, problems=len(errors),
                   detail=f"{where}{first['field']}: {first['problem']}") from None


def _problem(data: bytes, error: dict[str, Any]) -> dict[str, Any]:
    """A validation error as {change (position from 0), seq, field, problem}."""
    loc = list(error["loc"])
    problem: dict[str, Any] = {"field": ".".join(str(p) for p in loc) or "batch", "problem": error["msg"]}
    if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int):
        problem["change"] = loc[1]
        problem["field"] = ".".join(str(p) for p in loc[2:]) or "change"
        try:
            seq = json.loads(data)["changes"][loc[1]].get("seq")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            seq = None
        if isinstance(seq, int):
            problem["seq"] = seq
    return problem


async def post_batch(request: Request) -> JSONResponse:
    global _slots, _large
    if _slots is None or _large is None:
        _slots, _large = asyncio.Semaphore(BATCH_SLOTS), asyncio.Semaphore(LARGE_SLOTS)
    try:
        office, token = await _office(request, trusted=True)
        async with _slots:
            data = await _body(request)
            if len(data) <= LARGE_JSON:
                return JSONResponse(await _take_batch(request, office, token, data))
            async with _large:
                return JSONResponse(await _take_batch(request, office, token, data))
    except _Refusal as refusal:
        return refusal.response()


async def _take_batch(request: Request, office: str, token: str, data: bytes) -> dict[str, Any]:
    batch = _batch(data)
    if batch.office != office:
        raise _Refusal(403, "office_mismatch", office=batch.office)
    if request.headers.get(protocol.IDEMPOTENCY_HEADER) != batch.batch_id:
        raise _Refusal(400, "idempotency_key")
    # A day of slack: the office's clock and time zone decide what "today" was there.
    today = date.today() + timedelta(days=1)
    try:
        return await _db(batches.apply_batch, office, batches.content_hash(data), batch, today, token)
    except batches.IdempotencyMismatch:
        raise _Refusal(422, "idempotency_reused") from None
    except batches.TokenRevoked:
        _tokens.pop(token, None)
        raise _Refusal(401, "unauthorized") from None


async def office_stats(request: Request) -> JSONResponse:
    try:
        office, _token = await _office(request)
        if request.path_params["office"] != office:
            raise _Refusal(403, "other_office")
        return JSONResponse(await _db(batches.office_stats, office))
    except _Refusal as refusal:
        return refusal.response()


def _database_answers() -> None:
    hub_database.execute_sql("SELECT 1")


async def health(request: Request) -> JSONResponse:
    try:
        await _db(_database_answers)
    except _Refusal as refusal:
        return _Refusal(503, "unavailable", refusal.headers).response()
    return JSONResponse({"status": "ok", "protocol": protocol.PROTOCOL_VERSION})


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("hub error on %s %s", request.method, request.url.path, exc_info=exc)
    return _Refusal(500, "internal").response()


def create_app() -> Starlette:
    """The hub application; the hub database must be open (`db.open_hub_database`)."""
    return Starlette(routes=[
        Route(protocol.HEALTH_PATH, health, methods=["GET"]),
        Route(protocol.BATCHES_PATH, post_batch, methods=["POST"]),
        Route(protocol.STATS_PATH, office_stats, methods=["GET"]),
    ], exception_handlers={Exception: _internal_error})
