"""Search across everything known about people, on SQLite (FTS5) and PostgreSQL (tsvector/GIN).

One row per contact in the table `people_search` holds the text of the person's names,
organisation, e-mails, phones, facts, circle, notes and tags. Services call `index_contact` after
every change, inside the same transaction, so the index never disagrees with the data.

Every word typed is matched as a prefix ("baseb" finds "baseball cards") and all words must match.
User input is reduced to plain words before it reaches the query language, so quotes, `*`, `-`,
`:` or `NEAR(` can never cause an error.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from goodwill.accounts.models import Workspace
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactTag,
    Email,
    Fact,
    Note,
    Phone,
)

_WORDS = re.compile(r"\w+", re.UNICODE)
# Longest query we pass on: a person types a few words, not a page.
MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class SearchHit:
    contact_id: int
    snippet: str
    rank: float


def fold(text: str) -> str:
    """Lower-case and without accents, so "jose" finds "José" on every database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def query_words(query: str) -> list[str]:
    return _WORDS.findall(fold(query or ""))[:MAX_QUERY_WORDS]


def _phone_words(e164: str) -> list[str]:
    """+14155550100 → its digits, national number, and last 7 and 4 digits (how people type it)."""
    digits = e164.lstrip("+")
    return [digits, digits[-10:], digits[-7:], digits[-4:]]


def contact_document(contact_id: int) -> tuple[int, str] | None:
    """(workspace_id, text) for one contact, read in a fixed number of queries."""
    contact = Contact.objects.select_related("organization").filter(pk=contact_id).first()
    if contact is None:
        return None
    parts: list[str] = [
        contact.first_name,
        contact.last_name,
        contact.nickname,
        contact.organization.name if contact.organization else "",
        contact.role,
        contact.how_we_met,
        contact.met_at,
    ]
    parts += Email.objects.filter(contact=contact).values_list("address", flat=True)
    for number in Phone.objects.filter(contact=contact).values_list("number", flat=True):
        parts += _phone_words(number)
    parts += Fact.objects.filter(contact=contact).values_list("text", flat=True)
    for name, interests in CircleMember.objects.filter(contact=contact).values_list(
        "name", "interests"
    ):
        parts += [name, interests]
    parts += ContactTag.objects.filter(contact=contact).values_list("tag__name", flat=True)
    parts += Note.objects.filter(contact=contact).values_list("body", flat=True)
    return contact.workspace_id, "\n".join(part for part in parts if part)


def index_contact(contact_id: int) -> None:
    """(Re)build one contact's entry; removes it when the contact no longer exists."""
    document = contact_document(contact_id)
    if document is None:
        unindex_contact(contact_id)
        return
    _backend().write(contact_id, *document)


def unindex_contact(contact_id: int) -> None:
    _backend().delete(contact_id)


def reindex_workspace(workspace_id: int, *, batch_size: int = 500) -> int:
    ids = list(Contact.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        for contact_id in ids[start : start + batch_size]:
            index_contact(contact_id)
    return len(ids)


def search(
    workspace: Workspace, query: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[SearchHit], int]:
    """Hits for what a person typed, best first, and how many there are in all."""
    words = query_words(query)
    if not words or limit <= 0:
        return [], 0
    return _backend().search(workspace.pk, words, limit=limit, offset=max(0, offset))


class SqliteSearch:
    """FTS5 with rowid = contact id; the workspace is an unindexed column filtered on."""

    def write(self, contact_id: int, workspace_id: int, text: str) -> None:
        # UPDATE in place rather than DELETE + INSERT: SQLite 3.40's FTS5 corrupts its index
        # when a rowid is deleted, searched for and re-inserted within one transaction.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_search SET body = %s, workspace_id = %s WHERE rowid = %s",
                [text, workspace_id, contact_id],
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO people_search (rowid, body, workspace_id) VALUES (%s, %s, %s)",
                    [contact_id, text, workspace_id],
                )

    def delete(self, contact_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_search WHERE rowid = %s", [contact_id])

    def search(
        self, workspace_id: int, words: Iterable[str], *, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        # Each word becomes a quoted prefix term: `"baseb"*`. Words hold no quotes (\w+ only).
        match = " ".join(f'"{word}"*' for word in words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM people_search "
                "WHERE people_search MATCH %s AND workspace_id = %s",
                [match, workspace_id],
            )
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT rowid, snippet(people_search, 0, '', '', '…', 10), bm25(people_search) "
                "FROM people_search WHERE people_search MATCH %s AND workspace_id = %s "
                "ORDER BY bm25(people_search), rowid LIMIT %s OFFSET %s",
                [match, workspace_id, limit, offset],
            )
            rows = cursor.fetchall()
        return [SearchHit(int(row[0]), row[1] or "", -float(row[2])) for row in rows], total


class PostgresSearch:
    """A tsvector of the accent-folded text under a GIN index, ranked by ts_rank."""

    def write(self, contact_id: int, workspace_id: int, text: str) -> None:
        folded = fold(text)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO people_search (contact_id, workspace_id, body, document) "
                "VALUES (%s, %s, %s, to_tsvector('simple', %s)) "
                "ON CONFLICT (contact_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, "
                "body = EXCLUDED.body, document = EXCLUDED.document",
                [contact_id, workspace_id, folded, folded],
            )

    def delete(self, contact_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_search WHERE contact_id = %s", [contact_id])

    def search(
        self, workspace_id: int, words: Iterable[str], *, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        # Words are \w+ only, so they cannot carry tsquery operators.
        tsquery = " & ".join(f"{word}:*" for word in words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM people_search "
                "WHERE workspace_id = %s AND document @@ to_tsquery('simple', %s)",
                [workspace_id, tsquery],
            )
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT contact_id, ts_headline('simple', body, q, "
                '\'StartSel="", StopSel="", MaxWords=14, MinWords=4, MaxFragments=1\'), '
                "ts_rank(document, q) AS rank "
                "FROM people_search, to_tsquery('simple', %s) AS q "
                "WHERE workspace_id = %s AND document @@ q "
                "ORDER BY rank DESC, contact_id LIMIT %s OFFSET %s",
                [tsquery, workspace_id, limit, offset],
            )
            rows = cursor.fetchall()
        return [SearchHit(int(row[0]), row[1] or "", float(row[2])) for row in rows], total


def _backend() -> SqliteSearch | PostgresSearch:
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()
