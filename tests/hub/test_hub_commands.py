"""`tui-register hub add-office | revoke | serve` as an operator runs them."""

from __future__ import annotations

import hashlib
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.records import cli_env
from tui_register.hub.db import HubDatabaseError, open_hub_database, shown

pytestmark = pytest.mark.timeout(30)


def hub_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command in `cwd`, where the command line puts its log."""
    return subprocess.run([sys.executable, "-m", "tui_register", "hub", *args], env=cli_env("en"), cwd=cwd,
                          capture_output=True, text=True, timeout=30)


def test_add_office_prints_the_token_once_and_keeps_its_hash(tmp_path):
    db = tmp_path / "hub.db"
    added = hub_cli("add-office", "GL-03", "--db", str(db), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert len(token) >= 43 and "\n" not in token and "shown only now" in added.stderr
    assert db.stat().st_mode & 0o077 == 0
    conn = sqlite3.connect(db)
    [(stored,)] = conn.execute("SELECT token_hash FROM hub_office WHERE code = 'GL-03'").fetchall()
    conn.close()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token.encode() not in db.read_bytes()

    again = hub_cli("add-office", "GL-03", "--db", str(db), cwd=tmp_path)
    assert again.returncode == 1 and "already registered" in again.stderr and again.stdout == ""

    assert hub_cli("revoke", "GL-03", "--db", str(db), cwd=tmp_path).returncode == 0
    assert hub_cli("revoke", "GL-03", "--db", str(db), cwd=tmp_path).returncode == 1
    renewed = hub_cli("add-office", "GL-03", "--db", str(db), cwd=tmp_path)
    assert renewed.returncode == 0 and renewed.stdout.strip() != token

    bad = hub_cli("add-office", "no spaces!", "--db", str(db), cwd=tmp_path)
    assert bad.returncode == 1 and "invalid office code" in bad.stderr


def test_serve_answers_health_and_stops_on_sigterm(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "tui_register", "hub", "serve", "--port", str(port),
                               "--db", str(tmp_path / "hub.db")], env=cli_env("en"), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/v1/health")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
                time.sleep(0.05)
        assert response.json() == {"status": "ok", "protocol": 1}
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=20)
    # uvicorn shuts down gracefully, then ends by the signal it caught (systemd counts that as clean).
    assert server.returncode in (0, -signal.SIGTERM) and "Finished server process" in err
    assert f"Central endpoint at http://127.0.0.1:{port}" in err


def test_database_url_without_its_driver():
    with pytest.raises(HubDatabaseError) as info:
        open_hub_database("postgresql://hub:s3cret@localhost:1/hub")
    assert info.value.key in ("hub.no_driver", "hub.cannot_open")
    assert "s3cret" not in str(info.value.params)


def test_passwords_are_masked():
    assert shown("postgresql://hub:s3cret@db.example:5432/hub") == "postgresql://hub:***@db.example:5432/hub"
    assert shown("data/hub.db") == "data/hub.db"
    assert shown("sqlite:///data/hub.db") == "sqlite:///data/hub.db"
