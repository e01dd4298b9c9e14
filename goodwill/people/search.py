"""Search across everything known about people, on SQLite (FTS5) and PostgreSQL (tsvector/GIN).

One row per contact in the table `people_search` (created by migration 0002; not a model) holds
the text of the person's names, organisation, e-mails, phones, tags, facts (private ones too:
search is for the workspace's members only), circle, how we met and notes. Services call
`index_contact` after every change, inside the same transaction, so the index never disagrees
with the data.

Every word typed is matched as a prefix ("baseb" finds "baseball cards") and all words must
match. A word common to a fifth of a million people would cost every search half a second to
count and rank in full, so matches are counted up to COUNTED (then "more than"), and on
PostgreSQL only a window of them is ranked: the first RANKED matches (or as many as the page
reaches) and the people whose names match.

What a person types is reduced to plain words before it reaches a query language, so quotes,
`*`, `-`, `:`, `AND`, `NEAR(` or parentheses are searched as text and never cause an error.
Every statement filters on the workspace, and user input only ever travels as a parameter.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers
from django.db import connection, models, transaction

from goodwill.accounts.models import Workspace
from goodwill.core import bulk
from goodwill.people.models import CircleMember, Contact, ContactTag, Email, Fact, Note, Phone

# Runs of letters and digits: words as FTS5's unicode61 tokenizer sees them.
_WORDS = re.compile(r"[^\W_]+")
# Longest query we pass on: a person types a few words, not a page.
MAX_QUERY_WORDS = 8
# Matches are counted up to this; a search reports COUNTED + 1 for "more than COUNTED".
COUNTED = 1_000
# PostgreSQL ranks at most this many matches, or as many as the page reaches.
RANKED = 1_000
# Words shown around a match.
SNIPPET_WORDS = 12


@dataclass(frozen=True)
class SearchHit:
    contact_id: int
    snippet: str  # plain text around the match (the caller escapes it), or ""
    rank: float  # higher is better


@dataclass(frozen=True)
class Document:
    """What one contact's entry holds: names weigh more than details when ranking (PostgreSQL)."""

    workspace_id: int
    names: str
    details: str

    @property
    def text(self) -> str:
        return f"{self.names}\n{self.details}"


def fold(text: str) -> str:
    """Lower-case and without accents, so "jose" finds "José" on every database."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def query_words(query: str) -> list[str]:
    return _WORDS.findall(fold(query or ""))[:MAX_QUERY_WORDS]


def index_contact(contact_id: int) -> None:
    """(Re)build one contact's entry from the database; remove it if the contact is gone."""
    documents = contact_documents([contact_id])
    if documents:
        _backend().write(documents)
    else:
        unindex_contact(contact_id)


def index_contacts(contact_ids: Sequence[int], *, new: bool = False, batch_size: int = 500) -> None:
    """(Re)build many contacts' entries, a batch at a time (the caller holds the transaction);
    *new*: the contacts were just created, so none has an entry yet."""
    backend = _backend()
    write = backend.write_new if new else backend.write
    for start in range(0, len(contact_ids), batch_size):
        write(contact_documents(contact_ids[start : start + batch_size]))


def prune_workspace(workspace_id: int) -> None:
    """Drop the entries of the workspace's contacts that are gone (after removing many)."""
    _backend().prune(workspace_id)


def unindex_contact(contact_id: int) -> None:
    _backend().delete(contact_id)


def reindex_workspace(workspace_id: int, *, batch_size: int = 500) -> int:
    """Rebuild a workspace's entries, a batch per transaction, and drop those of contacts gone
    (all of them, for a deleted workspace). Returns how many contacts were indexed."""
    backend = _backend()
    backend.prune(workspace_id)
    ids = Contact.objects.filter(workspace_id=workspace_id).order_by("pk")
    count, last = 0, 0
    while batch := list(ids.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            backend.write(contact_documents(batch))
        count, last = count + len(batch), batch[-1]
    return count


def search(
    workspace: Workspace, query: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[SearchHit], int]:
    """Hits for what a person typed, best first, and how many there are, counted up to COUNTED
    (COUNTED + 1 means more; limit=0 only counts)."""
    words = query_words(query)
    if not words:
        return [], 0
    return _backend().search(workspace.pk, words, limit=max(0, limit), offset=max(0, offset))


def contact_documents(contact_ids: Sequence[int]) -> dict[int, Document]:
    """The documents of those of *contact_ids* that exist, in seven queries however many."""
    contacts = Contact.objects.filter(pk__in=contact_ids).values_list(
        "pk",
        "workspace_id",
        "first_name",
        "last_name",
        "nickname",
        "organization__name",
        "role",
        "how_we_met",
        "met_at",
    )
    details = _details(contact_ids)
    return {
        pk: Document(workspace_id, _lines(names), _lines([how_we_met, met_at, *details[pk]]))
        for pk, workspace_id, *names, how_we_met, met_at in contacts
    }


def _details(contact_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)

    def add(model: type[models.Model], *fields: str) -> None:
        rows = model._default_manager.filter(contact_id__in=contact_ids).order_by("pk")
        for contact_id, *values in rows.values_list("contact_id", *fields):
            found[contact_id] += values

    add(Email, "address")
    for contact_id, number in Phone.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "number"
    ):
        found[contact_id].append(_phone_words(number))
    add(ContactTag, "tag__name")
    add(Fact, "text")
    add(CircleMember, "name", "interests", "notes")
    add(Note, "body")
    return found


def _lines(parts: Iterable[str | None]) -> str:
    return "\n".join(part for part in parts if part)


def _phone_words(e164: str) -> str:
    """+14155550100 → "+14155550100 4155550100 (415) 555-0100 5550100": found as people type it."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return f"{e164} {re.sub(r'\D', '', national)} {national} {e164[-7:]}"


def snippet(text: str, words: Sequence[str]) -> str:
    """About SNIPPET_WORDS words of *text* where the most of *words* match as prefixes, or ""."""
    tokens = list(_WORDS.finditer(text))
    folded = [fold(token[0]) for token in tokens]
    matched = [{word for word in words if token.startswith(word)} for token in folded]
    starts = [max(0, i - 2) for i, found in enumerate(matched) if found]
    if not starts:
        return ""
    start = max(starts, key=lambda s: len(set().union(*matched[s : s + SNIPPET_WORDS])))
    start = max(0, min(start, len(tokens) - SNIPPET_WORDS))  # a full window near the end too
    end = min(start + SNIPPET_WORDS, len(tokens))
    middle = " ".join(text[tokens[start].start() : tokens[end - 1].end()].split())
    return ("…" if start else "") + middle + ("…" if end < len(tokens) else "")


class SqliteSearch:
    """FTS5 with rowid = contact id; the workspace is an unindexed column filtered on."""

    def write_new(self, documents: dict[int, Document]) -> None:
        """Entries of contacts just created (ids are never reused: AUTOINCREMENT), so no row
        can be there yet: one executemany() instead of an UPDATE tried per contact."""
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO people_search (body, workspace_id, rowid) VALUES (%s, %s, %s)",
                [(d.text, d.workspace_id, pk) for pk, d in documents.items()],
            )

    def write(self, documents: dict[int, Document]) -> None:
        # UPDATE in place rather than DELETE + INSERT: SQLite 3.40's FTS5 corrupts its index
        # when a rowid is deleted, searched for and inserted again within one transaction.
        with connection.cursor() as cursor:
            for contact_id, document in documents.items():
                row: list[str | int] = [document.text, document.workspace_id, contact_id]
                cursor.execute(
                    "UPDATE people_search SET body = %s, workspace_id = %s WHERE rowid = %s", row
                )
                if cursor.rowcount == 0:
                    cursor.execute(
                        "INSERT INTO people_search (body, workspace_id, rowid) VALUES (%s, %s, %s)",
                        row,
                    )

    def delete(self, contact_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_search WHERE rowid = %s", [contact_id])

    def prune(self, workspace_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM people_search WHERE workspace_id = %s AND rowid NOT IN "
                "(SELECT id FROM people_contact WHERE workspace_id = %s)",
                [workspace_id, workspace_id],
            )

    def search(
        self, workspace_id: int, words: Iterable[str], *, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        # Each word becomes a quoted prefix term, `"baseb"*`; words hold no quotes (see _WORDS).
        match = " ".join(f'"{word}"*' for word in words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM people_search "
                "WHERE people_search MATCH %s AND workspace_id = %s LIMIT %s)",
                [match, workspace_id, COUNTED + 1],
            )
            total = cursor.fetchone()[0]
            # ORDER BY rank (bm25) lets FTS5 sort, so snippet() runs for the page's rows only.
            cursor.execute(
                "SELECT rowid, snippet(people_search, 0, '', '', '…', %s), rank FROM people_search "
                "WHERE people_search MATCH %s AND workspace_id = %s "
                "ORDER BY rank LIMIT %s OFFSET %s",
                [SNIPPET_WORDS, match, workspace_id, limit, offset],
            )
            rows = cursor.fetchall()
        hits = [SearchHit(pk, " ".join(text.split()), -rank) for pk, text, rank in rows]
        return hits, total


class PostgresSearch:
    """A tsvector of the accent-folded words under a GIN index (names weigh more), ts_rank."""

    def write_new(self, documents: dict[int, Document]) -> None:
        self.write(documents)

    def write(self, documents: dict[int, Document]) -> None:
        # bulk.executemany: prepared once on the server, not parsed again for every contact.
        bulk.executemany(
            "INSERT INTO people_search (contact_id, workspace_id, body, document) "
            "VALUES (%s, %s, %s, "
            "setweight(to_tsvector('simple', %s), 'A') || to_tsvector('simple', %s)) "
            "ON CONFLICT (contact_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, "
            "body = EXCLUDED.body, document = EXCLUDED.document",
            [
                (pk, doc.workspace_id, doc.text, _plain(doc.names), _plain(doc.details))
                for pk, doc in documents.items()
            ],
        )

    def delete(self, contact_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_search WHERE contact_id = %s", [contact_id])

    def prune(self, workspace_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM people_search WHERE workspace_id = %s AND NOT EXISTS "
                "(SELECT FROM people_contact WHERE id = contact_id)",
                [workspace_id],
            )

    def search(
        self, workspace_id: int, words: Sequence[str], *, limit: int, offset: int
    ) -> tuple[list[SearchHit], int]:
        # Words are letters and digits only, so they cannot carry tsquery operators.
        tsquery = " & ".join(f"{word}:*" for word in words)
        window = max(RANKED, offset + limit)
        first = max(window, COUNTED) + 1  # enough to rank, and to tell "more than COUNTED"
        params: list[int | str] = [workspace_id, tsquery, first, workspace_id, tsquery, window]
        params += [tsquery, limit, offset]
        with connection.cursor() as cursor:
            # The window to rank: the first matches (counted on the way: more than COUNTED or
            # not), and the people whose names match (their own GIN index, migration 0009).
            cursor.execute(
                "WITH matches AS MATERIALIZED (SELECT contact_id FROM people_search "
                "WHERE workspace_id = %s AND document @@ to_tsquery('simple', %s) LIMIT %s), "
                "named AS (SELECT contact_id FROM people_search "
                "WHERE workspace_id = %s AND names @@ to_tsquery('simple', %s) LIMIT %s), "
                "window_ AS (SELECT contact_id FROM matches UNION SELECT contact_id FROM named) "
                "SELECT contact_id, body, ts_rank(document, to_tsquery('simple', %s), 1) AS rank, "
                "(SELECT count(*) FROM matches) "
                "FROM people_search JOIN window_ USING (contact_id) "
                "ORDER BY rank DESC, contact_id LIMIT %s OFFSET %s",
                params,
            )
            rows = cursor.fetchall()
            if rows:
                found = rows[0][3]
            else:  # a count alone, or a page past the last
                cursor.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM people_search WHERE workspace_id = %s "
                    "AND document @@ to_tsquery('simple', %s) LIMIT %s) AS found",
                    [workspace_id, tsquery, COUNTED + 1],
                )
                found = cursor.fetchone()[0]
        total = min(found, COUNTED + 1)
        # ts_headline would need the text folded too (no unaccent here), and would show it so.
        return [SearchHit(pk, snippet(body, words), rank) for pk, body, rank, _ in rows], total


def _plain(text: str) -> str:
    """The folded words of *text*, so PostgreSQL's parser splits it exactly as queries are."""
    return " ".join(_WORDS.findall(fold(text)))


def _backend() -> SqliteSearch | PostgresSearch:
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()
