"""The hub's HTTP interface (Starlette): health, batches, an office's figures.

Database work runs in Starlette's thread pool (Peewee is synchronous; each thread has its own
connection). Every refusal is JSON ``{"error": code, "message": text}``; the codes are listed in
docs/sync-protocol.md.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tui_register.hub import batches
from tui_register.hub.models import hub_database
from tui_register.hub.offices import office_for_token
from tui_register.i18n import _
from tui_register.sync import protocol
from tui_register.sync.protocol import Batch

MAX_COMPRESSED = 16 * 1024 * 1024
MAX_JSON = 64 * 1024 * 1024


class _Refusal(Exception):
    def __init__(self, status: int, code: str, **params: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.code, "message": _(f"hub.error.{self.code}", **self.params)},
                            status_code=self.status)


async def _office(request: Request) -> str:
    """The office of the bearer token, or a 401 refusal."""
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    office = await run_in_threadpool(office_for_token, token.strip()) if scheme.lower() == "bearer" else None
    if not office:
        raise _Refusal(401, "unauthorized")
    return office


async def _body(request: Request) -> bytes:
    """The request's JSON bytes, gunzipped when sent with Content-Encoding: gzip, within limits."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_COMPRESSED:
        raise _Refusal(413, "too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_COMPRESSED:
            raise _Refusal(413, "too_large")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return raw
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(raw, MAX_JSON)
    except zlib.error:
        raise _Refusal(400, "bad_gzip") from None
    if inflater.unconsumed_tail:
        raise _Refusal(413, "too_large")  # a small body that inflates past the limit
    if not inflater.eof:
        raise _Refusal(400, "bad_gzip")
    return data


async def post_batch(request: Request) -> JSONResponse:
    try:
        office = await _office(request)
        data = await _body(request)
        try:
            batch = Batch.model_validate_json(data)
        except ValidationError as exc:
            raise _Refusal(422, "invalid_batch", problems=exc.error_count()) from None
        if batch.office != office:
            raise _Refusal(403, "office_mismatch", office=batch.office)
        if request.headers.get(protocol.IDEMPOTENCY_HEADER) != batch.batch_id:
            raise _Refusal(400, "idempotency_key")
        # A day of slack: the office's clock and time zone decide what "today" was there.
        today = date.today() + timedelta(days=1)
        try:
            answer = await run_in_threadpool(batches.apply_batch, office, batches.content_hash(data), batch, today)
        except batches.IdempotencyMismatch:
            raise _Refusal(422, "idempotency_reused") from None
    except _Refusal as refusal:
        return refusal.response()
    return JSONResponse(answer)


async def office_stats(request: Request) -> JSONResponse:
    try:
        office = await _office(request)
        if request.path_params["office"] != office:
            raise _Refusal(403, "other_office")
    except _Refusal as refusal:
        return refusal.response()
    return JSONResponse(await run_in_threadpool(batches.office_stats, office))


def _database_answers() -> None:
    hub_database.execute_sql("SELECT 1")


async def health(request: Request) -> JSONResponse:
    try:
        await run_in_threadpool(_database_answers)
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return _Refusal(503, "unavailable").response()
    return JSONResponse({"status": "ok", "protocol": protocol.PROTOCOL_VERSION})


def create_app() -> Starlette:
    """The hub application; the hub database must be open (`db.open_hub_database`)."""
    return Starlette(routes=[
        Route(protocol.HEALTH_PATH, health, methods=["GET"]),
        Route(protocol.BATCHES_PATH, post_batch, methods=["POST"]),
        Route(protocol.STATS_PATH, office_stats, methods=["GET"]),
    ])
