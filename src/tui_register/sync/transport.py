"""Posting a batch to the centre over HTTPS, with retries (httpx + stamina).

Retried, with exponential backoff and jitter, within the run's overall time limit: connection
errors, timeouts and dropped connections, 429 (after its Retry-After, seconds or an HTTP date),
500, 502, 503 and 504. The limit is kept: no wait and no request starts past it (a wait that
would end past it gives up at once), and every phase of a request in flight (connect, write,
read) gets at most the time left, so a centre that accepts and never answers is cut at it.
Never retried: 400, 401, 403, 413, 422 and anything else; what they mean
is raised as an exception. Certificates are always verified. The token goes into the
Authorization header and nowhere else (never into a log line or a message).
"""

from __future__ import annotations

import logging
import random
import time
from types import TracebackType

import httpx
import stamina
from pydantic import ValidationError

from tui_register.sync import protocol
from tui_register.sync.backoff import RetryPolicy, retry_after
from tui_register.sync.protocol import Answer, Result

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Unreachable(Exception):
    """The centre could not be reached, or kept failing until the retries gave up."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TimeLimit(Unreachable):
    """The run's overall time limit was reached while sending or waiting to send again."""


class TokenRefused(Exception):
    """401 or 403: the token is wrong, revoked, or not this office's."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class TooLarge(Exception):
    """413: the batch is over the centre's (or a proxy's) size limit."""


class BatchRefused(Exception):
    """Any other refusal of the whole batch (400, 422 ...), or an answer that cannot be read."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class Transport:
    """One HTTP client for a run; `post_batch` sends one recorded batch and returns its results."""

    def __init__(self, endpoint: str, token: str, *, connect_timeout: float, read_timeout: float,
                 deadline: float, policy: RetryPolicy, user_agent: str) -> None:
        self._url = endpoint + protocol.BATCHES_PATH
        self._deadline = deadline
        self._policy = policy
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._attempt = 0
        self._client = httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout),
            headers={"Authorization": f"Bearer {token}", "User-Agent": user_agent,
                     "Content-Type": "application/json", "Content-Encoding": "gzip"},
            verify=True, follow_redirects=False)

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._client.close()

    def post_batch(self, batch_id: str, body: bytes) -> list[Result]:
        response = self._post(batch_id, body)
        status = response.status_code
        if status == 200:
            return self._results(batch_id, response)
        if status in (401, 403):
            raise TokenRefused(status)
        if status == 413:
            raise TooLarge()
        raise BatchRefused(status, _error_code(response))

    def _remaining(self) -> float:
        return self._deadline - time.monotonic()

    def _timeouts(self) -> httpx.Timeout:
        """The configured per-phase timeouts, each cut to the time left before the deadline."""
        left = max(self._remaining(), 0.001)
        read = min(self._read_timeout, left)
        return httpx.Timeout(read, connect=min(self._connect_timeout, left), write=read,
                             pool=min(self._connect_timeout, left))

    def _post(self, batch_id: str, body: bytes) -> httpx.Response:
        if self._remaining() <= 0:
            raise TimeLimit("overall time limit reached")
        policy = self._policy
        try:
            for attempt in stamina.retry_context(
                    on=self._should_retry, attempts=policy.attempts, timeout=self._remaining(),
                    wait_initial=policy.wait_initial, wait_max=policy.wait_max,
                    wait_jitter=policy.wait_jitter):
                with attempt:
                    self._attempt = attempt.num
                    if self._remaining() <= 0:
                        raise TimeLimit("overall time limit reached")
                    response = self._client.post(self._url, content=body, timeout=self._timeouts(),
                                                 headers={protocol.IDEMPOTENCY_HEADER: batch_id})
                    if response.status_code in RETRY_STATUSES:
                        raise _RetryableStatus(response)
        except _RetryableStatus as exc:
            self._give_up_at_deadline(f"HTTP {exc.response.status_code}")
            raise Unreachable(f"HTTP {exc.response.status_code}") from None
        except httpx.TransportError as exc:
            self._give_up_at_deadline(f"{type(exc).__name__}: {exc}")
            raise Unreachable(f"{type(exc).__name__}: {exc}") from None
        return response  # the loop ends after the first attempt that raised nothing

    def _give_up_at_deadline(self, detail: str) -> None:
        if self._remaining() <= 0:
            raise TimeLimit(detail)

    def _backoff(self) -> float:
        """Exponential backoff with jitter after attempt number `self._attempt`."""
        policy = self._policy
        wait = min(policy.wait_max, policy.wait_initial * 2 ** (self._attempt - 1))
        return wait + random.uniform(0, policy.wait_jitter)

    def _should_retry(self, exc: Exception) -> bool | float:
        """stamina's backoff hook: False (give up) or how long to wait; a wait that would end
        past the deadline gives up at once rather than sleep into it."""
        if isinstance(exc, httpx.TransportError):
            log.warning("sending failed: %s: %s", type(exc).__name__, exc)
            wait = self._backoff()
        elif isinstance(exc, _RetryableStatus):
            after = retry_after(exc.response.headers)
            log.warning("the centre answered HTTP %d (Retry-After: %s)", exc.response.status_code,
                        "none" if after is None else f"{after:.0f} s")
            wait = self._backoff() if after is None else after
        else:
            return False
        return max(wait, 0.001) if wait < self._remaining() else False

    @staticmethod
    def _results(batch_id: str, response: httpx.Response) -> list[Result]:
        try:
            answer = Answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise BatchRefused(200, f"unreadable answer: {exc.error_count()} problems") from None
        if answer.batch_id != batch_id:
            raise BatchRefused(200, "answer for another batch")
        return answer.results


def _error_code(response: httpx.Response) -> str:
    """The centre's error code from a refusal's JSON body, else the status line."""
    try:
        return str(response.json().get("error") or response.reason_phrase)
    except ValueError:
        return response.reason_phrase
