"""Where a workbook goes: a clear default name, never over an existing file, never half-written.

The final name is reserved first (an empty file created exclusively, readable by its owner
only: exports hold personal data), the workbook is written to a hidden temporary file beside
it, and that replaces the reservation only once complete. If anything fails, both go.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Iterator

from tui_register.reports.options import ReportError

MAX_NUMBERED = 999


def file_name(*parts: str) -> str:
    """`a_b_c.xlsx` from the non-empty parts; path separators in a part become "-"."""
    clean = [p.replace("/", "-").replace(os.sep, "-") for p in parts if p]
    return "_".join(clean) + ".xlsx"


def reserve(path: Path, *, numbered: bool) -> Path:
    """Create `path` empty and private; if it exists, `name-2.xlsx`, `-3` … when `numbered`,
    else ReportError (a file the user named is never replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, MAX_NUMBERED + 1):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return candidate
        except FileExistsError:
            if not numbered:
                raise ReportError("report.out_exists", usage=False, path=str(path)) from None
    raise ReportError("report.out_exists", usage=False, path=str(path))


@contextmanager
def written(target: Path) -> Iterator[Path]:
    """A temporary path to write; it becomes `target` (reserved) when the block succeeds."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".part")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        for leftover in (temporary, target):
            with suppress(OSError):
                leftover.unlink()
        raise
