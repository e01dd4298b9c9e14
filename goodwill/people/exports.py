"""Many contacts at once, as vCard 4.0 or CSV, streamed a chunk at a time (and, as "json",
the backup of the whole workspace: goodwill.core.backup).

Each chunk of CHUNK_SIZE contacts costs the same nine queries (privacy.with_card_data) however
much each person holds, so an export of 100,000 people runs in flat memory. An export is recorded
once in the audit trail, against the workspace, whoever it holds.

The vCards are the one-person vCards (privacy.vcard_of): private facts and notes never leave.
The CSV is for spreadsheets and other address books:

- one row per person under a header row (CSV_COLUMNS), UTF-8, RFC 4180 quoting and line ends;
- several values in one cell (e-mails, phones, websites, tags) are joined with "; ", so the
  columns stay the same whoever is exported; labels ("work", "mobile") are left out;
- the first address only, in five columns (the vCard export carries every address);
- birthday and anniversary as YYYY-MM-DD, or --MM-DD when the year is unknown;
- a cell that starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so a
  spreadsheet shows it as text instead of running it as a formula (CSV injection). Phone numbers
  in E.164 start with "+" and are written '+14155550100 too; an importer should drop an
  apostrophe before one of those characters.
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.audit import audit_record
from goodwill.core.backup import backup_filename, workspace_backup
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact, DateKind
from goodwill.people.privacy import card_dates, card_list, card_tags, vcard_of, with_card_data
from goodwill.people.text import FORMULA_STARTS

CHUNK_SIZE = 1000
FORMATS = {"vcf": "text/vcard", "csv": "text/csv", "json": "application/json"}
CSV_COLUMNS = [
    "id",
    "first_name",
    "last_name",
    "nickname",
    "kind",
    "organization",
    "role",
    "emails",
    "phones",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "birthday",
    "anniversary",
    "websites",
    "tags",
    "how_we_met",
    "met_at",
]
JOIN = "; "


# Told (done, total) as each chunk is built, for a progress bar.
type Progress = Callable[[int, int], None]


def contacts_vcards(
    workspace: Workspace,
    contacts: QuerySet[Contact],
    *,
    actor: User | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """*contacts* (of *workspace* only) as vCard 4.0 text, a chunk of cards per item.

    Records the export when called; the cards are built as the iterator is read."""
    ids = _selected_ids(workspace, contacts, actor=actor)
    chunks = _chunks(workspace, ids, progress)
    return ("".join(vcard_of(contact) for contact in chunk) for chunk in chunks)


def contacts_csv(
    workspace: Workspace,
    contacts: QuerySet[Contact],
    *,
    actor: User | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """*contacts* (of *workspace* only) as CSV text: the header row, then a chunk of rows per
    item. Records the export when called."""
    ids = _selected_ids(workspace, contacts, actor=actor)
    return _csv_chunks(workspace, ids, progress)


def _csv_chunks(workspace: Workspace, ids: list[int], progress: Progress | None) -> Iterator[str]:
    yield _csv_text([CSV_COLUMNS])
    for chunk in _chunks(workspace, ids, progress):
        yield _csv_text([csv_row(contact) for contact in chunk])


def _selected_ids(
    workspace: Workspace, contacts: QuerySet[Contact], *, actor: User | None
) -> list[int]:
    # Ids first, in the caller's order, then each chunk loaded by id within the workspace: a
    # queryset of another workspace (or none at all) yields nothing.
    ids = list(contacts.filter(workspace=workspace).values_list("pk", flat=True))
    audit_record(workspace, actor=actor, action="export", obj=workspace)
    return ids


def _chunks(
    workspace: Workspace, ids: Sequence[int], progress: Progress | None = None
) -> Iterator[list[Contact]]:
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found = with_card_data(scoped(Contact, workspace).filter(pk__in=chunk), workspace)
        by_id = {contact.pk: contact for contact in found}
        yield [by_id[pk] for pk in chunk if pk in by_id]
        if progress:
            progress(start + len(chunk), len(ids))


def csv_row(contact: Contact) -> list[str]:
    """The CSV cells of a contact loaded by privacy.with_card_data(), in CSV_COLUMNS order."""
    address = next(iter(card_list(contact, "addresses")), None)
    dates = card_dates(contact)
    birthday, anniversary = (
        dates[kind].partial_date if kind in dates else None
        for kind in (DateKind.BIRTHDAY, DateKind.ANNIVERSARY)
    )
    cells = [
        str(contact.pk),
        contact.first_name,
        contact.last_name,
        contact.nickname,
        contact.kind,
        contact.organization.name if contact.organization else "",
        contact.role,
        JOIN.join(email.address for email in card_list(contact, "emails")),
        JOIN.join(phone.number for phone in card_list(contact, "phones")),
        *(
            (address.street, address.city, address.region, address.postal_code, address.country)
            if address
            else ("", "", "", "", "")
        ),
        birthday.isoformat() if birthday else "",
        anniversary.isoformat() if anniversary else "",
        JOIN.join(link.url for link in card_list(contact, "links")),
        JOIN.join(card_tags(contact)),
        contact.how_we_met,
        contact.met_at,
    ]
    return [neutralised(cell) for cell in cells]


def neutralised(cell: str) -> str:
    """The cell with a leading apostrophe if a spreadsheet could take it for a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


WHOLE_WORKSPACE_ONLY = (
    "The JSON backup always holds the whole workspace: export everyone (no search, kind or "
    "tag filter) as json, or choose vcf or csv for a selection."
)


def contacts_export(
    workspace: Workspace,
    contacts: QuerySet[Contact],
    *,
    format: str,
    actor: User | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """*contacts* in *format* ("vcf" or "csv"), as the page, the API and the CLI offer it; any
    other format is refused with the reason (ValidationError) before anything is recorded.

    "json" is the backup of the whole workspace (goodwill.core.backup, docs/backup.md), so
    it is refused unless *contacts* is everyone."""
    if format == "json":
        everyone = scoped(Contact, workspace)
        if contacts.filter(workspace=workspace).count() != everyone.count():
            raise ValidationError(WHOLE_WORKSPACE_ONLY)
        return workspace_backup(workspace, actor=actor, progress=progress)
    if format not in FORMATS:
        raise ValidationError(f"Unknown format {format[:20]!r}: choose vcf, csv or json.")
    export = contacts_vcards if format == "vcf" else contacts_csv
    return export(workspace, contacts, actor=actor, progress=progress)


def export_filename(workspace: Workspace, format: str) -> str:
    """E.g. ortiz-consulting-contacts-2025-03-14.vcf, dated in the workspace's time zone (the
    JSON backup: ortiz-consulting-backup-2025-03-14.json)."""
    if format == "json":
        return backup_filename(workspace)
    today = timezone.localdate(timezone=workspace.zone)
    return f"{workspace.slug}-contacts-{today.isoformat()}.{format}"
