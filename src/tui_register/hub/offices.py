"""Offices and their tokens: a token is shown once when an office is added; only its sha256 is kept."""

from __future__ import annotations

import hashlib
import re
import secrets

from tui_register.hub.db import write_transaction
from tui_register.hub.models import Office
from tui_register.storage.clock import now_iso
from tui_register.sync.protocol import OFFICE_PATTERN


class OfficeProblem(Exception):
    """A refused office command; `key` and `params` make the message."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_office(code: str) -> str:
    """Register an office (or give a revoked one a new token); returns its new token."""
    if not re.fullmatch(OFFICE_PATTERN, code):
        raise OfficeProblem("hub.bad_code", code=code)
    token = secrets.token_urlsafe(32)
    with write_transaction():
        office = Office.get_or_none(Office.code == code)
        if office is not None and office.revoked_at is None:
            raise OfficeProblem("hub.office_exists", code=code)
        if office is None:
            Office.create(code=code, token_hash=token_hash(token), created_at=now_iso())
        else:
            Office.update(token_hash=token_hash(token), revoked_at=None).where(Office.code == code).execute()
    return token


def revoke_office(code: str) -> None:
    """End an office's token; its records stay."""
    with write_transaction():
        updated = (Office.update(token_hash=None, revoked_at=now_iso())
                   .where((Office.code == code) & Office.revoked_at.is_null()).execute())
    if not updated:
        raise OfficeProblem("hub.no_such_office", code=code)


def office_for_token(token: str) -> str | None:
    """The office code a bearer token belongs to, None if unknown or revoked."""
    office = Office.get_or_none(Office.token_hash == token_hash(token))
    return office.code if office is not None else None
