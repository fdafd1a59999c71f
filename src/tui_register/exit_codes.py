"""The exit status of every `tui-register` command, in one place (cron and scripts read it).

0 success; 1 the operation found or met a problem (for `sync`: the quarantine is not empty,
the rest was sent); 2 usage or configuration error (for `sync`: the token or office refused,
nothing was sent); 3 (`sync`) the centre could not be reached, the run gave up, or another
sync of the same database is running; whatever was not sent stays queued.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEM = 1
    QUARANTINE = 1  # sync: an alias of PROBLEM, named for what it means there
    USAGE = 2
    CONFIG = 2  # sync: an alias of USAGE
    UNREACHABLE = 3
