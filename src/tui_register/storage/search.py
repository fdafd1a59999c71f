"""The household search index: what a query matches, and keeping the index in step.

Each household has one trigram document (members' names, pinyin, initials, ID numbers,
phones, and the address), matched as a substring for queries of three characters or more.
Shorter queries (a two-character name such as 李娜, initials such as `zs`) go to a table of
one- and two-character grams, because a trigram index cannot match them.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Callable, Sequence

Execute = Callable[[str, Sequence[Any]], Any]

_DOC_SQL = """
SELECT p.name, p.name_pinyin, p.name_initials, coalesce(p.id_number, ''), p.phone
FROM person p WHERE p.household_id = ? ORDER BY p.id
"""


def normalise_query(text: str) -> list[str]:
    """Query terms: NFKC (full-width input), lower-case, split on spaces."""
    return unicodedata.normalize("NFKC", text).lower().split()


def grams(name: str, pinyin: str, initials: str) -> set[str]:
    """The short keys a one- or two-character query can match."""
    keys: set[str] = set()
    for i, ch in enumerate(name):
        keys.add(ch)
        if i + 1 < len(name):
            keys.add(name[i:i + 2])
    for ascii_key in (pinyin, initials):
        keys.update(k for k in (ascii_key[:1], ascii_key[:2]) if k)
    return {k for k in keys if not k.isspace()}


def build_doc(address: str, phone: str, members: Sequence[tuple[str, str, str, str, str]]) -> str:
    """The trigram document: address, phone, and each member's name, pinyin, initials, ID, phone."""
    parts = [address, phone]
    for member in members:
        parts.extend(member)
    return " | ".join(p for p in parts if p)


def member_grams(members: Sequence[tuple[str, str, str, str, str]]) -> set[str]:
    keys: set[str] = set()
    for name, pinyin, initials, _id_number, _phone in members:
        keys |= grams(name, pinyin, initials)
    return keys


def reindex(execute: Execute, household_id: int) -> None:
    """Rebuild one household's document and grams (inside the caller's transaction)."""
    address, phone = execute("SELECT address, phone FROM household WHERE id = ?", (household_id,)).fetchone()
    members = execute(_DOC_SQL, (household_id,)).fetchall()
    execute("DELETE FROM household_fts WHERE rowid = ?", (household_id,))
    execute("INSERT INTO household_fts (rowid, doc) VALUES (?, ?)",
            (household_id, build_doc(address, phone, members)))
    execute("DELETE FROM household_gram WHERE household_id = ?", (household_id,))
    for key in member_grams(members):
        execute("INSERT INTO household_gram (gram, household_id) VALUES (?, ?)", (key, household_id))


def rebuild_all(conn: Any) -> None:
    """Backfill the whole index (schema migration to v2) on a raw sqlite3 connection."""
    execute = conn.execute
    execute("DELETE FROM household_fts")
    execute("DELETE FROM household_gram")
    ids = [r[0] for r in execute("SELECT id FROM household").fetchall()]
    for household_id in ids:
        reindex(execute, household_id)


def term_query(term: str) -> tuple[str, list[Any]]:
    """The ids of households matching one normalised term: SQL and parameters."""
    if len(term) >= 3:
        return ("SELECT rowid FROM household_fts WHERE household_fts MATCH ?",
                ['"' + term.replace('"', '""') + '"'])
    return "SELECT household_id FROM household_gram WHERE gram = ?", [term]


def match_sql(query: str) -> tuple[str, list[Any]]:
    """A SQL condition on `h.id` (household alias h) for the query, with its parameters.

    Every term must match; an empty query matches everything.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for term in normalise_query(query):
        sql, term_params = term_query(term)
        clauses.append(f"h.id IN ({sql})")
        params += term_params
    return (" AND ".join(clauses) or "1"), params


# --- which member a search found --------------------------------------------------------

Member = tuple[int, str, str, str, str, str]  # id, name, pinyin, initials, ID number, phone

_MEMBERS_SQL = """
SELECT p.household_id, h.head_id, p.id, p.name, p.name_pinyin, p.name_initials,
       coalesce(p.id_number, ''), p.phone
FROM person p JOIN household h ON h.id = p.household_id
WHERE p.household_id IN ({marks}) ORDER BY p.household_id, p.id
"""


def term_matches_member(term: str, member: Member) -> bool:
    """Whether one normalised term matches this person, as the index matches it: a
    substring of a field for three characters or more, one of the grams below that."""
    _id, name, pinyin, initials, id_number, phone = member
    if len(term) >= 3:
        return any(term in field.lower() for field in (name, pinyin, initials, id_number, phone) if field)
    return term in grams(name, pinyin, initials)


def matched_member(terms: Sequence[str], head_id: int | None, members: Sequence[Member]) -> str:
    """The name of the member the search found, when that is not the head ('' otherwise):
    the one matching the most terms (the first such in the household's order)."""
    def score(member: Member) -> int:
        return sum(term_matches_member(term, member) for term in terms)

    best, best_score = "", 0
    for member in members:
        if member[0] == head_id:
            if score(member) > 0:
                return ""  # the head is a match: the row already shows why
            continue
        if (member_score := score(member)) > best_score:
            best, best_score = member[1], member_score
    return best


def matched_members(execute: Execute, query: str, household_ids: Sequence[int]) -> dict[int, str]:
    """For a page of households found by `query`: household id -> the name of the member the
    search found, where that is not the head. One query for the whole page."""
    terms = normalise_query(query)
    if not terms or not household_ids:
        return {}
    marks = ", ".join("?" for _ in household_ids)
    by_household: dict[int, tuple[int | None, list[Member]]] = {}
    for hid, head_id, *member in execute(_MEMBERS_SQL.format(marks=marks), list(household_ids)).fetchall():
        by_household.setdefault(hid, (head_id, []))[1].append(tuple(member))
    found = {hid: matched_member(terms, head_id, members) for hid, (head_id, members) in by_household.items()}
    return {hid: name for hid, name in found.items() if name}
