from datetime import UTC, datetime

import pytest

from goodwill.accounts.models import Workspace
from goodwill.core import bulk
from goodwill.people.models import Contact, TimelineEntry


@pytest.mark.django_db
def test_create_gives_ids_and_stores_every_value_as_bulk_create_would():
    workspace = Workspace.objects.create(name="Bulk", slug="bulk")
    contact = Contact.objects.create(workspace=workspace, first_name="Ada")
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    entries = [
        TimelineEntry(
            workspace=workspace,
            contact=contact,
            kind="interaction",
            title=f"Call {n}",
            occurred_at=when,
            data={"n": n, "note": "ünïcode"},
        )
        for n in range(3)
    ]
    assert bulk.create(entries) is entries
    assert [entry.pk for entry in entries] == sorted(entry.pk for entry in entries)
    assert all(entry.pk and not entry._state.adding for entry in entries)
    stored = TimelineEntry.objects.filter(contact=contact).order_by("pk")
    assert [(e.pk, e.title, e.occurred_at, e.data) for e in stored] == [
        (entry.pk, f"Call {n}", when, {"n": n, "note": "ünïcode"})
        for n, entry in enumerate(entries)
    ]
    assert bulk.create([]) == []


@pytest.mark.django_db
def test_update_sets_only_the_given_fields_of_the_given_rows():
    workspace = Workspace.objects.create(name="Bulk", slug="bulk")
    ada, bo, _cy = (
        Contact.objects.create(workspace=workspace, first_name=name, rapport=1)
        for name in ("Ada", "Bo", "Cy")
    )
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    bulk.update(
        Contact,
        ["rapport", "last_touch_at"],
        [
            (40, bulk.prepared(Contact, "last_touch_at", when), ada.pk),
            (7, None, bo.pk),
        ],
    )
    got = dict(Contact.objects.values_list("first_name", "rapport"))
    assert got == {"Ada": 40, "Bo": 7, "Cy": 1}
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_touch_at) == ("Ada", when)
    bulk.update(Contact, ["rapport"], [])
