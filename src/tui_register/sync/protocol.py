"""The sync protocol, version 1 (docs/sync-protocol.md): paths, result kinds, reason codes,
the batch body as the client encodes it and the models both sides read it with.
"""

from __future__ import annotations

import gzip
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tui_register.storage.sync_state import LogChange

PROTOCOL_VERSION = 1
BATCHES_PATH = "/v1/batches"
HEALTH_PATH = "/v1/health"
STATS_PATH = "/v1/offices/{office}/stats"
IDEMPOTENCY_HEADER = "Idempotency-Key"

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"
ACCEPTED = (APPLIED, DUPLICATE)
REFUSED = (CONFLICT, REJECTED)

# Reason codes of refused changes.
VERSION_CONFLICT = "version_conflict"
INVALID_SNAPSHOT = "invalid_snapshot"
UNKNOWN_ENTITY = "unknown_entity"
BAD_CHANGE = "bad_change"
TOO_LARGE = "too_large"  # given by the client itself: one change alone is over the size limit

# Limits of a batch (docs/sync-protocol.md, section 4): above them the centre answers 413.
MAX_BATCH_CHANGES = 5_000
MAX_BATCH_BYTES = 8 * 1024 * 1024  # the body as sent, and the JSON once inflated
# Sequence numbers and versions are 64-bit signed integers at the centre.
MAX_INT = 2**63 - 1

_UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
OFFICE_PATTERN = r"^[A-Za-z0-9_-]{1,20}$"


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=MAX_INT)
    entity: str = Field(max_length=40)
    uuid: str = Field(pattern=_UUID_PATTERN)
    op: str = Field(max_length=20)
    version: int = Field(ge=1, le=MAX_INT)
    base_version: int = Field(ge=0, le=MAX_INT)
    at: str = Field(max_length=40)
    user: str = Field(max_length=64)
    snapshot: dict[str, Any]


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    protocol: Literal[1]
    office: str = Field(pattern=OFFICE_PATTERN)
    batch_id: str = Field(pattern=_UUID_PATTERN)
    first_seq: int = Field(ge=1, le=MAX_INT)
    last_seq: int = Field(ge=1, le=MAX_INT)
    changes: list[Change] = Field(min_length=1)  # at most MAX_BATCH_CHANGES: checked by the centre (413)

    @model_validator(mode="after")
    def _in_order(self) -> "Batch":
        seqs = [c.seq for c in self.changes]
        if any(a >= b for a, b in zip(seqs, seqs[1:])):
            raise ValueError("changes must be in increasing sequence order")
        if (self.first_seq, self.last_seq) != (seqs[0], seqs[-1]):
            raise ValueError("first_seq and last_seq must be the first and last change's seq")
        return self


class FieldProblem(BaseModel):
    field: str
    code: str
    params: dict[str, Any] = Field(default_factory=dict)


class Result(BaseModel):
    seq: int
    result: Literal["applied", "duplicate", "conflict", "rejected"]
    version: int = Field(ge=0)  # the centre's version of the record after this change
    reason: str | None = None
    message: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)  # a factory: no copy of a default per result
    snapshot: dict[str, Any] | None = None  # the centre's record, for conflicts


class Answer(BaseModel):
    protocol: Literal[1]
    office: str
    batch_id: str
    replay: bool = False
    results: list[Result]


# ---------------------------------------------------------------- encoding

def change_json(change: LogChange, base_version: int) -> str:
    """One change as JSON; the stored snapshot text is embedded as is, not parsed and re-dumped
    (100,000 changes a night)."""
    head = json.dumps({"seq": change.seq, "entity": change.entity, "uuid": change.uuid, "op": change.op,
                       "version": change.version, "base_version": base_version, "at": change.at,
                       "user": change.user}, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"snapshot":{change.snapshot}}}'


def encode_batch(office: str, batch_id: str, first_seq: int, last_seq: int, changes: list[str]) -> bytes:
    """The gzip body of a batch from its changes' JSON (see `change_json`)."""
    head = json.dumps({"protocol": PROTOCOL_VERSION, "office": office, "batch_id": batch_id,
                       "first_seq": first_seq, "last_seq": last_seq}, separators=(",", ":"))
    text = f'{head[:-1]},"changes":[{",".join(changes)}]}}'
    # mtime=0: the same content always gives the same bytes.
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode_batch(body: bytes) -> dict[str, Any]:
    return json.loads(gzip.decompress(body))


def reencode(envelope: dict[str, Any], batch_id: str, changes: list[dict[str, Any]]) -> bytes:
    """Part of a recorded batch as a new batch (after a 413)."""
    parts = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in changes]
    return encode_batch(envelope["office"], batch_id, changes[0]["seq"], changes[-1]["seq"], parts)
