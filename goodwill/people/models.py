"""The person record: contacts and organisations, and everything known about each person.

Every model here belongs to a workspace (WorkspaceOwned) and is reached through
goodwill.core.scoping. Child records (e-mails, facts, circle, …) carry the workspace too, so that
every table can be filtered, indexed and one day distributed by workspace.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.cadence import effective_cadence_days, touch_due_at
from goodwill.people.dates import PartialDate


class Kind(models.TextChoices):
    CLIENT = "client", "Client"
    CUSTOMER = "customer", "Customer"
    PROSPECT = "prospect", "Prospect"
    FRIEND = "friend", "Friend"
    PARTNER = "partner", "Partner"


class Channel(models.TextChoices):
    ANY = "", "No preference"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    IN_PERSON = "in_person", "In person"


class Organization(WorkspaceOwned):
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index("workspace", Lower("name"), name="people_org_ws_name")]

    def __str__(self) -> str:
        return self.name


class Contact(WorkspaceOwned):
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLIENT)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    nickname = models.CharField(max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    role = models.CharField(
        max_length=120, blank=True, help_text="e.g. president, purchase manager"
    )
    preferred_channel = models.CharField(
        max_length=16, choices=Channel.choices, blank=True, default=Channel.ANY
    )
    contact_hours = models.CharField(
        max_length=120, blank=True, help_text="When they like to be contacted, e.g. mornings."
    )
    how_we_met = models.TextField(blank=True)
    met_at = models.CharField(max_length=200, blank=True, help_text="The event where you met.")
    introduced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="introduced"
    )
    cadence_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Keep in touch every N days."
    )
    # Kept by the touchpoints capability: the last interaction, and a snooze of the next touch.
    last_touch_at = models.DateTimeField(null=True, blank=True, editable=False)
    touch_snoozed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Derived by save() from the cadence, the last touch and the snooze; indexed for the overdue
    # list.
    touch_due_at = models.DateTimeField(null=True, editable=False)
    # The rapport index (0-100) as touchpoints last stored it, so lists sort by it on an index.
    rapport = models.PositiveSmallIntegerField(default=0, editable=False)
    # Lower-cased "last first", kept by save(), so lists sort on one indexed column.
    sort_name = models.CharField(max_length=210, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "sort_name", "id"], name="people_contact_ws_sort"),
            models.Index(fields=["workspace", "kind", "sort_name"], name="people_contact_ws_kind"),
            models.Index(fields=["workspace", "-updated_at"], name="people_contact_ws_updated"),
            # An organisation's people and a person's introductions, in name order, without
            # walking the whole workspace's name index.
            models.Index(
                fields=["workspace", "organization", "sort_name"], name="people_contact_ws_org"
            ),
            models.Index(
                fields=["workspace", "introduced_by", "sort_name"], name="people_contact_ws_intro"
            ),
            models.Index(fields=["workspace", "touch_due_at"], name="people_contact_ws_due"),
            models.Index(
                fields=["workspace", "-rapport", "sort_name", "id"],
                name="people_contact_ws_rapport",
            ),
            # Namesakes, for likely duplicates.
            models.Index("workspace", Lower("last_name"), name="people_contact_ws_family"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.nickname or "(no name)"

    @property
    def greeting_name(self) -> str:
        """What to call them in a message: the nickname if they have one."""
        return self.nickname or self.first_name or self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = f"{self.last_name} {self.first_name} {self.nickname}".strip().lower()[:210]
        self.touch_due_at = self.compute_touch_due_at()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_name", "touch_due_at"}
        super().save(*args, **kwargs)

    def compute_touch_due_at(self) -> datetime:
        return touch_due_at(
            kind=self.kind,
            cadence_days=self.cadence_days,
            last_touch_at=self.last_touch_at,
            created_at=self.created_at,
            snoozed_until=self.touch_snoozed_until,
            overrides=self.workspace.cadence_defaults,
        )

    @property
    def effective_cadence_days(self) -> int:
        # Loops over many contacts set `contact.workspace` to the one loaded workspace, so this
        # costs no query per contact.
        return effective_cadence_days(self.kind, self.cadence_days, self.workspace.cadence_defaults)


class ContactChild(WorkspaceOwned):
    """A record that belongs to one contact (and so to the contact's workspace)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Email(ContactChild):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    label = models.CharField(max_length=40, blank=True)
    address = models.EmailField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index("workspace", Lower("address"), name="people_email_ws_address")]

    def __str__(self) -> str:
        return self.address


class Phone(ContactChild):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    label = models.CharField(max_length=40, blank=True)
    number = models.CharField(max_length=40, help_text="E.164, e.g. +14155550100")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "number"], name="people_phone_ws_number")]

    def __str__(self) -> str:
        return self.number


class Address(ContactChild):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=40, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        parts = [self.street, self.postal_code, self.city, self.region, self.country]
        return ", ".join(part for part in parts if part)


class Link(ContactChild):
    """A website or a social profile."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=40, blank=True, help_text="website, LinkedIn, …")
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class ContactPhoto(WorkspaceOwned):
    """The person's picture, as an address book sent it (a vCard PHOTO): small, so in the
    database rather than on a disk that several app servers would have to share."""

    MAX_BYTES = 1024 * 1024
    MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif")

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="photo")
    data = models.BinaryField()
    media_type = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"Photo of contact #{self.contact_id}"


class FactCategory(models.TextChoices):
    LIKE = "like", "Likes"
    DISLIKE = "dislike", "Dislikes"
    PREFERENCE = "preference", "Preference"
    HOBBY = "hobby", "Hobby"
    FOOD = "food", "Food"
    OTHER = "other", "Other"


class Fact(ContactChild):
    """Something personal: "loves sailing", "no calls before 10". Private facts never leave."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="facts")
    category = models.CharField(max_length=16, choices=FactCategory.choices)
    text = models.CharField(max_length=500)
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.text


class Relation(models.TextChoices):
    SPOUSE = "spouse", "Spouse"
    PARTNER = "partner", "Partner"
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    SIBLING = "sibling", "Sibling"
    ASSISTANT = "assistant", "Assistant"
    PET = "pet", "Pet"
    OTHER = "other", "Other"


class PartialDateFields(models.Model):
    """A date whose year may be unknown, as three columns (indexable by month and day)."""

    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def partial_date(self) -> PartialDate | None:
        if self.month is None or self.day is None:
            return None
        return PartialDate(month=self.month, day=self.day, year=self.year)

    def set_partial_date(self, value: PartialDate | None) -> None:
        self.year = value.year if value else None
        self.month = value.month if value else None
        self.day = value.day if value else None


class CircleMember(ContactChild, PartialDateFields):
    """Someone close to the contact: the son who collects baseball cards. The date is a birthday."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="circle")
    name = models.CharField(max_length=120)
    relation = models.CharField(max_length=16, choices=Relation.choices)
    interests = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    linked_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="circle_of"
    )

    class Meta:
        ordering = ["relation", "name"]
        indexes = [models.Index(fields=["workspace", "month", "day"], name="people_circle_ws_md")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class DateKind(models.TextChoices):
    BIRTHDAY = "birthday", "Birthday"
    ANNIVERSARY = "anniversary", "Anniversary"
    CLIENT_SINCE = "client_since", "Client since"
    CUSTOM = "custom", "Other date"


class ImportantDate(ContactChild, PartialDateFields):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="dates")
    kind = models.CharField(max_length=16, choices=DateKind.choices)
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["month", "day"]
        indexes = [models.Index(fields=["workspace", "month", "day"], name="people_date_ws_md")]

    def __str__(self) -> str:
        return f"{self.label or self.get_kind_display()}: {self.partial_date}"


class GiftStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    BOUGHT = "bought", "Bought"
    GIVEN = "given", "Given"


class Gift(ContactChild):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="gifts")
    for_member = models.ForeignKey(
        CircleMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="gifts"
    )
    description = models.CharField(max_length=300)
    occasion = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=GiftStatus.choices, default=GiftStatus.IDEA)
    cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    given_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return self.description


class Note(ContactChild):
    """A Markdown note; shown sanitised. Pinned notes come first."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(max_length=20000)
    pinned = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pinned", "-created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Tag(WorkspaceOwned):
    name = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="people_tag_unique_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactTag(WorkspaceOwned):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="contact_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "tag"], name="people_contacttag_unique")
        ]
        indexes = [models.Index(fields=["workspace", "tag", "contact"], name="people_ctag_ws_tag")]


class SavedFilter(WorkspaceOwned):
    """A named contact-list query (kind, tag, search) for one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500, help_text="The list's query string.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TimelineEntry(WorkspaceOwned):
    """One line on a contact's timeline. Every capability adds entries of its own kinds.

    A kind is a short string with a template `people/timeline/<kind>.html`; `data` holds what the
    template shows, so rendering a page of entries needs no query per entry.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=40)
    occurred_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["contact", "-occurred_at", "-id"], name="people_timeline_contact")
        ]

    def __str__(self) -> str:
        return self.title


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Waiting for your choices"
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed, nothing imported"
    UNDOING = "undoing", "Being undone"
    UNDONE = "undone", "Undone"
    CANCELLED = "cancelled", "Cancelled"


class DuplicateChoice(models.TextChoices):
    MERGE = "merge", "Merge into the existing contact"
    KEEP = "keep", "Keep both"
    SKIP = "skip", "Skip"


class ContactImport(WorkspaceOwned):
    """One file of contacts on its way in: its preview, the person's choices, the progress of the
    worker that writes it, and what it wrote (so that it can be undone as a whole).

    The file's bytes stay until the preview is made; its checked cards then stay until the
    import has run. `done` counts the cards written so far: each batch commits with it,
    so a worker that stops halfway carries on where it stopped."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    # The file, kept only until its columns are mapped and the preview made.
    data = models.BinaryField(editable=False)
    # The checked cards of the preview (people.cards.cards_pack), kept until the import has run.
    cards = models.BinaryField(editable=False, default=b"")
    format = models.CharField(max_length=40, blank=True)
    # CSV header -> card field, for a CSV of no known exporter.
    mapping = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLIENT)
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    total = models.PositiveIntegerField(default=0)
    # The preview: {"problems": [[line, reason, skipped], …], "duplicates": [[card, contact,
    # reason, name, e-mail], …]}, cards counted from 0 in the file's order.
    preview = models.JSONField(default=dict, blank=True)
    default_choice = models.CharField(
        max_length=8, choices=DuplicateChoice.choices, default=DuplicateChoice.MERGE
    )
    # Card index (as text) -> a DuplicateChoice, where the person chose otherwise than default.
    choices = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    # People added, and people already here given details (the batches say who).
    created = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="people_import_ws_created"),
            models.Index(fields=["status", "updated_at"], name="people_import_status"),
        ]

    def __str__(self) -> str:
        return f"Import of {self.filename} ({self.get_status_display()})"


class ContactImportBatch(WorkspaceOwned):
    """What one batch of an import wrote, committed with it, so that the import can be undone
    (or a failed one taken back): a row per batch keeps each commit's work the same size."""

    contact_import = models.ForeignKey(
        ContactImport, on_delete=models.CASCADE, related_name="batches"
    )
    # The new contacts' ids.
    created = models.JSONField(default=list)
    # What was added to people already here: [{"contact", "fields", "rows"}] (cards.Filled);
    # and {"contact": None, "rows": [[label, pk], …]} for the organisations and tags it created.
    filled = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"A batch of import #{self.contact_import_id}"
