"""The CardDAV server through HTTP, with Django's test client: every method, its status codes,
and that no path ever reaches another workspace."""

import base64
import xml.etree.ElementTree as ET
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodwill.core.testing import GoodwillTestCase
from goodwill.dav import books
from goodwill.dav.models import CardName, CardTombstone
from goodwill.people import services
from goodwill.people.cards import Card, card_checked
from goodwill.people.models import Contact, ContactPhoto, Fact, Kind, Note
from goodwill.people.services import Labelled

DAV = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"
CS = "{http://calendarserver.org/ns/}"

ANNA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-anna-1\r\nFN:Anna Berg\r\nN:Berg;Anna;;;\r\n"
    "EMAIL;TYPE=work:anna@berg.example\r\nTEL;TYPE=cell:+14155550123\r\n"
    "NOTE:Likes: tea\r\nEND:VCARD\r\n"
)
PROPFIND_ALL = (
    '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"'
    ' xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:getetag/>'
    "<d:current-user-principal/><card:addressbook-home-set/><d:displayname/><cs:getctag/>"
    "<d:sync-token/><d:supported-report-set/><d:owner/><d:current-user-privilege-set/>"
    "<card:supported-address-data/><d:principal-URL/><d:getcontenttype/><d:x-unknown/>"
    "</d:prop></d:propfind>"
)


def multiget_body(*hrefs: str) -> str:
    links = "".join(f"<d:href>{h}</d:href>" for h in hrefs)
    return (
        '<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
        f"<d:prop><d:getetag/><card:address-data/></d:prop>{links}</card:addressbook-multiget>"
    )


def sync_body(token: str = "", *, data: bool = False) -> str:
    extra = "<card:address-data/>" if data else ""
    return (
        '<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
        f"<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>"
        f"<d:prop><d:getetag/>{extra}</d:prop></d:sync-collection>"
    )


class DavTestCase(GoodwillTestCase):
    # Clients have no CSRF cookie: the server must not need one.
    client_class = partial(Client, enforce_csrf_checks=True)  # type: ignore[assignment]

    def setUp(self) -> None:
        self.tom = services.contact_create(
            self.workspace,
            actor=self.owner,
            first_name="Tom",
            last_name="Hale",
            emails=[Labelled("work", "tom@hale.example")],
        )
        self.book = f"/dav/addressbooks/{self.owner.pk}/{self.workspace.slug}/"
        self.tom_href = f"{self.book}{self.tom.pk}.vcf"

    def dav(
        self,
        method: str,
        path: str,
        body: str | bytes = "",
        *,
        who: tuple[str, str] | None = None,
        content_type: str = "application/xml",
        headers: dict[str, str] | None = None,
        **more_headers: str,
    ) -> Any:
        """Call *path* as *who* (e-mail, token): the owner unless told otherwise."""
        email, token = who or (self.owner.email, self.owner_token)
        basic = base64.b64encode(f"{email}:{token}".encode()).decode()
        return self.client.generic(
            method,
            path,
            data=body,
            content_type=content_type,
            headers={"Authorization": f"Basic {basic}", **(headers or {}), **more_headers},
        )

    def put(self, path: str, text: str, headers: dict[str, str] | None = None) -> Any:
        return self.dav("PUT", path, text, content_type="text/vcard", headers=headers)

    def xml(self, answer: Any) -> ET.Element:
        """A multistatus answer's root (long ones stream)."""
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert answer.status_code == 207, body
        return ET.fromstring(body)

    def responses(self, answer: Any) -> dict[str, ET.Element]:
        return by_href(self.xml(answer))

    def etag(self, href: str) -> str:
        return str(self.dav("GET", href)["ETag"])

    def sync(self, token: str = "", **kwargs: Any) -> tuple[dict[str, ET.Element], str]:
        root = self.xml(self.dav("REPORT", self.book, sync_body(token, **kwargs)))
        return by_href(root), root.findtext(f"{DAV}sync-token") or ""


def by_href(root: ET.Element) -> dict[str, ET.Element]:
    return {node.findtext(f"{DAV}href") or "": node for node in root.iter(f"{DAV}response")}


def found_props(node: ET.Element) -> dict[str, ET.Element]:
    return {
        prop.tag: prop
        for stat in node.iter(f"{DAV}propstat")
        if "200" in (stat.findtext(f"{DAV}status") or "")
        for prop in stat.iter(f"{DAV}prop")
        for prop in prop
    }


def missing_props(node: ET.Element) -> set[str]:
    return {
        prop.tag
        for stat in node.iter(f"{DAV}propstat")
        if "404" in (stat.findtext(f"{DAV}status") or "")
        for prop in stat.findall(f"{DAV}prop/*")
    }


class DiscoveryTests(DavTestCase):
    def test_it_redirects_the_well_known_address_to_the_root(self):
        for method in ("GET", "PROPFIND"):
            answer = self.client.generic(method, "/.well-known/carddav")
            assert answer.status_code == 301
            assert answer["Location"] == "/dav/"

    def test_it_asks_for_basic_credentials(self):
        answer = self.client.generic("PROPFIND", "/dav/")
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"].startswith('Basic realm="Goodwill"')
        assert "Set-Cookie" not in answer

    def test_it_refuses_a_token_with_another_users_email(self):
        answer = self.dav("PROPFIND", "/dav/", who=(self.assistant.email, self.owner_token))
        assert answer.status_code == 401

    def test_it_refuses_a_revoked_or_garbled_token(self):
        from goodwill.accounts.models import ApiToken

        ApiToken.objects.filter(user=self.owner).update(revoked_at=timezone.now())
        assert self.dav("PROPFIND", "/dav/").status_code == 401
        garbled = self.client.generic("PROPFIND", "/dav/", headers={"Authorization": "Basic ***"})
        assert garbled.status_code == 401

    def test_it_takes_the_email_in_any_case(self):
        answer = self.dav("PROPFIND", "/dav/", who=(self.owner.email.upper(), self.owner_token))
        assert answer.status_code == 207

    def test_it_answers_options_with_its_dav_classes(self):
        answer = self.client.options(self.book)
        assert answer.status_code == 200
        assert "addressbook" in answer["DAV"]
        assert "REPORT" in answer["Allow"]

    def test_it_leads_from_the_root_to_the_book(self):
        root = self.responses(self.dav("PROPFIND", "/dav/", PROPFIND_ALL, Depth="0"))["/dav/"]
        principal = found_props(root)[f"{DAV}current-user-principal"].findtext(f"{DAV}href")
        assert principal == f"/dav/principals/{self.owner.pk}/"
        found = found_props(
            self.responses(self.dav("PROPFIND", principal, PROPFIND_ALL))[principal]
        )
        home = found[f"{CARD}addressbook-home-set"].findtext(f"{DAV}href")
        assert home == f"/dav/addressbooks/{self.owner.pk}/"
        listing = self.responses(self.dav("PROPFIND", home, PROPFIND_ALL, Depth="1"))
        assert set(listing) == {home, self.book}
        book = found_props(listing[self.book])
        assert book[f"{DAV}resourcetype"].find(f"{CARD}addressbook") is not None
        assert book[f"{DAV}displayname"].text == "Ortiz Consulting"
        reports = {r[0][0].tag for r in book[f"{DAV}supported-report-set"]}
        assert reports == {f"{CARD}addressbook-multiget", f"{DAV}sync-collection"}
        assert book[f"{DAV}sync-token"].text
        assert book[f"{CS}getctag"].text

    def test_it_lists_unknown_properties_as_not_found(self):
        node = self.responses(self.dav("PROPFIND", self.book, PROPFIND_ALL, Depth="0"))[self.book]
        assert f"{DAV}x-unknown" in missing_props(node)
        assert f"{DAV}getetag" in missing_props(node)

    def test_it_answers_allprop_and_an_empty_body(self):
        for body in ("", '<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>'):
            node = self.responses(self.dav("PROPFIND", self.book, body, Depth="0"))[self.book]
            assert f"{DAV}resourcetype" in found_props(node)

    def test_it_lists_the_cards_at_depth_one_with_their_etags(self):
        listing = self.responses(self.dav("PROPFIND", self.book, PROPFIND_ALL, Depth="1"))
        assert set(listing) == {self.book, self.tom_href}
        etag = found_props(listing[self.tom_href])[f"{DAV}getetag"].text
        assert etag == self.etag(self.tom_href)

    def test_it_shows_the_owner_every_privilege_and_an_assistant_no_unbind(self):
        def privileges(who: tuple[str, str]) -> set[str]:
            node = self.responses(self.dav("PROPFIND", self.book, PROPFIND_ALL, Depth="0", who=who))
            props = found_props(node[self.book])[f"{DAV}current-user-privilege-set"]
            return {p[0].tag.removeprefix(DAV) for p in props}

        assert {"read", "bind", "unbind"} <= privileges((self.owner.email, self.owner_token))
        self.book = f"/dav/addressbooks/{self.assistant.pk}/{self.workspace.slug}/"
        assistant = privileges((self.assistant.email, self.assistant_token))
        assert "bind" in assistant
        assert "unbind" not in assistant


class BadRequestTests(DavTestCase):
    def test_it_refuses_malformed_xml(self):
        answer = self.dav("PROPFIND", self.book, "<d:propfind xmlns:d='DAV:'><d:prop>", Depth="0")
        assert answer.status_code == 400

    def test_it_refuses_a_doctype_and_entities(self):
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;">]><d:propfind xmlns:d="DAV:"><d:prop>'
            "<d:displayname>&lol2;</d:displayname></d:prop></d:propfind>"
        )
        assert self.dav("PROPFIND", self.book, laughs, Depth="0").status_code == 400
        external = (
            '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<d:propfind xmlns:d="DAV:"><d:prop><d:x>&x;</d:x></d:prop></d:propfind>'
        )
        assert self.dav("PROPFIND", self.book, external, Depth="0").status_code == 400

    def test_it_refuses_an_unknown_report(self):
        body = '<card:addressbook-query xmlns:card="urn:ietf:params:xml:ns:carddav"/>'
        answer = self.dav("REPORT", self.book, body)
        assert answer.status_code == 403
        assert b"supported-report" in answer.content

    def test_it_refuses_a_method_a_resource_does_not_have(self):
        assert self.dav("PUT", self.book, "x").status_code == 405
        assert self.dav("MKCOL", self.book + "sub/").status_code == 404
        assert self.dav("DELETE", "/dav/").status_code == 405

    def test_it_refuses_property_changes(self):
        body = (
            '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Mine'
            "</d:displayname></d:prop></d:set></d:propertyupdate>"
        )
        node = self.responses(self.dav("PROPPATCH", self.book, body))[self.book]
        assert "403" in (node.findtext(f"{DAV}propstat/{DAV}status") or "")


class CardTests(DavTestCase):
    def test_it_serves_a_contact_as_a_vcard_with_a_stable_uid(self):
        answer = self.dav("GET", self.tom_href)
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("text/vcard")
        text = answer.content.decode()
        assert "FN:Tom Hale" in text
        assert "tom@hale.example" in text
        uid = books.own_uid(self.workspace, self.tom.pk)
        assert f"UID:{uid}" in text
        assert self.dav("GET", self.tom_href).content.decode() == text
        assert books.uid_holder(self.workspace, uid) == f"{self.tom.pk}.vcf"

    def test_it_serves_the_photo_once(self):
        ContactPhoto.objects.create(
            workspace=self.workspace,
            contact=self.tom,
            data=b"\x89PNG\r\n\x1a\n",
            media_type="image/png",
        )
        text = self.dav("GET", self.tom_href).content.decode()
        assert text.count("PHOTO:data:image/png;base64,iVBORw0KGgo=") == 1

    def test_it_answers_not_modified_for_a_known_etag_and_head_without_a_body(self):
        etag = self.etag(self.tom_href)
        assert self.dav("GET", self.tom_href, headers={"If-None-Match": etag}).status_code == 304
        head = self.dav("HEAD", self.tom_href)
        assert head.status_code == 200
        assert head.content == b""
        assert head["ETag"] == etag

    def test_it_creates_a_contact_from_a_new_card_keeping_its_name_and_uid(self):
        answer = self.put(self.book + "phone-anna.vcf", ANNA, headers={"If-None-Match": "*"})
        assert answer.status_code == 201
        assert "ETag" not in answer
        anna = Contact.objects.get(first_name="Anna")
        assert anna.kind == Kind.CLIENT
        assert anna.workspace == self.workspace
        assert CardName.objects.get(contact=anna).uid == "phone-anna-1"
        text = self.dav("GET", self.book + "phone-anna.vcf").content.decode()
        assert "UID:phone-anna-1" in text
        assert "+14155550123" in text
        # What the phone wrote in NOTE is kept as a note of the new contact.
        assert Note.objects.get(contact=anna).body == "Likes: tea"

    def test_it_replaces_the_card_fields_and_leaves_goodwill_data_alone(self):
        fact = services.fact_add(self.tom, category="like", text="sailing")
        text = self.dav("GET", self.tom_href).content.decode()
        assert "NOTE:Likes: sailing" in text
        edited = text.replace("tom@hale.example", "tom@roofing.example").replace(
            "NOTE:Likes: sailing", "NOTE:Likes: golf"
        )
        answer = self.put(self.tom_href, edited, headers={"If-Match": self.etag(self.tom_href)})
        assert answer.status_code == 204
        self.tom.refresh_from_db()
        assert [e.address for e in self.tom.emails.all()] == ["tom@roofing.example"]
        assert Fact.objects.get(pk=fact.pk).text == "sailing"
        assert not Note.objects.filter(contact=self.tom).exists()
        assert not CardName.objects.exists()

    def test_it_refuses_a_stale_if_match_and_changes_nothing(self):
        stale = self.etag(self.tom_href)
        services.contact_update(self.tom, actor=self.owner, first_name="Thomas")
        edited = ANNA.replace("UID:phone-anna-1\r\n", "")
        for method in ("PUT", "DELETE"):
            answer = self.dav(
                method,
                self.tom_href,
                edited,
                content_type="text/vcard",
                headers={"If-Match": stale},
            )
            assert answer.status_code == 412
        assert Contact.objects.get(pk=self.tom.pk).first_name == "Thomas"

    def test_it_refuses_if_none_match_star_over_an_existing_card(self):
        answer = self.put(self.tom_href, ANNA, headers={"If-None-Match": "*"})
        assert answer.status_code == 412
        assert not Contact.objects.filter(first_name="Anna").exists()

    def test_it_refuses_if_match_on_a_card_that_does_not_exist(self):
        answer = self.put(self.book + "new.vcf", ANNA, headers={"If-Match": '"1-1"'})
        assert answer.status_code == 412
        assert not Contact.objects.filter(first_name="Anna").exists()

    def test_it_refuses_what_is_not_a_vcard(self):
        cases = [
            ("text/plain", ANNA, 415),
            ("text/vcard", "hello, world", 400),
            ("text/vcard", ANNA + ANNA.replace("Anna", "Bea"), 400),
            ("text/vcard", "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", 400),
        ]
        for content_type, body, status in cases:
            answer = self.dav("PUT", self.book + "x.vcf", body, content_type=content_type)
            assert answer.status_code == status, (content_type, body, answer.content)
        assert Contact.objects.count() == 1

    def test_two_creations_of_one_name_at_once_leave_one_contact(self):
        card = card_checked(self.workspace, Card(first_name="Ann", last_name="Lind"))[0]
        books.card_created(self.workspace, "ann.vcf", card, actor=self.owner)
        before = Contact.objects.count()
        # As the second of two simultaneous PUTs finds it: the name taken after its look.
        with self.assertRaises(books.NameTaken):
            books.card_created(self.workspace, "ann.vcf", card, actor=self.owner)
        assert Contact.objects.count() == before

    def test_it_refuses_a_new_card_named_like_goodwills_own(self):
        assert self.put(self.book + "999999.vcf", ANNA).status_code == 403

    def test_it_refuses_a_uid_another_card_has(self):
        self.put(self.book + "phone-anna.vcf", ANNA)
        answer = self.put(self.book + "copy.vcf", ANNA)
        assert answer.status_code == 409
        assert b"no-uid-conflict" in answer.content
        assert b"phone-anna.vcf" in answer.content
        uid = books.own_uid(self.workspace, self.tom.pk)
        assert self.put(self.book + "t.vcf", ANNA.replace("phone-anna-1", uid)).status_code == 409
        assert Contact.objects.filter(first_name="Anna").count() == 1

    def test_it_erases_a_deleted_card(self):
        answer = self.dav("DELETE", self.tom_href, headers={"If-Match": self.etag(self.tom_href)})
        assert answer.status_code == 204
        assert not Contact.objects.filter(pk=self.tom.pk).exists()
        assert self.dav("GET", self.tom_href).status_code == 404
        assert self.dav("DELETE", self.tom_href).status_code == 404

    def test_it_lets_an_assistant_create_and_edit_but_not_delete(self):
        who = (self.assistant.email, self.assistant_token)
        book = f"/dav/addressbooks/{self.assistant.pk}/{self.workspace.slug}/"
        assert (
            self.dav("PUT", book + "a.vcf", ANNA, who=who, content_type="text/vcard").status_code
            == 201
        )
        tom = book + f"{self.tom.pk}.vcf"
        edited = self.dav("GET", tom, who=who).content.replace(b"Tom", b"Tommy")
        assert self.dav("PUT", tom, edited, who=who, content_type="text/vcard").status_code == 204
        assert self.dav("DELETE", tom, who=who).status_code == 403
        assert Contact.objects.filter(pk=self.tom.pk, first_name="Tommy").exists()

    def test_it_lets_a_read_only_token_read_only(self):
        from goodwill.accounts import services as accounts

        token = accounts.token_create(
            workspace=self.workspace, user=self.owner, name="phone", read_only=True
        )[1]
        who = (self.owner.email, token)
        assert self.dav("GET", self.tom_href, who=who).status_code == 200
        assert (
            self.dav(
                "PUT", self.book + "a.vcf", ANNA, who=who, content_type="text/vcard"
            ).status_code
            == 403
        )
        assert self.dav("DELETE", self.tom_href, who=who).status_code == 403
        assert Contact.objects.count() == 1


class ReportTests(DavTestCase):
    def test_it_returns_many_cards_in_one_multiget_and_404_for_the_unknown(self):
        others = [
            services.contact_create(self.workspace, actor=self.owner, first_name=f"P{i}")
            for i in range(5)
        ]
        hrefs = [f"{self.book}{c.pk}.vcf" for c in [self.tom, *others]]
        missing = f"{self.book}nobody.vcf"
        self.dav("REPORT", self.book, multiget_body(hrefs[0]))  # the token's last use is noted
        with CaptureQueriesContext(connection) as one:
            self.dav("REPORT", self.book, multiget_body(hrefs[0]))
        with CaptureQueriesContext(connection) as six:
            answer = self.dav("REPORT", self.book, multiget_body(*hrefs, missing))
        assert len(six) == len(one)
        found = self.responses(answer)
        assert set(found) == {*hrefs, missing}
        assert "FN:P3" in (found_props(found[hrefs[4]])[f"{CARD}address-data"].text or "")
        assert "404" in (found[missing].findtext(f"{DAV}status") or "")

    def test_it_syncs_everything_then_only_what_changed_and_what_was_deleted(self):
        first, token = self.sync()
        assert set(first) == {self.tom_href}
        assert token.startswith("urn:x-goodwill:sync:")
        # Changes older than the overlap window are not sent again.
        Contact.objects.update(updated_at=timezone.now() - timedelta(hours=1))
        later = books.sync_token(timezone.now() - timedelta(minutes=30))
        unchanged, _ = self.sync(later)
        assert unchanged == {}
        self.put(self.book + "phone-anna.vcf", ANNA)
        anna = self.book + "phone-anna.vcf"
        services.contact_erase(self.tom, actor=self.owner)
        changes, _ = self.sync(later, data=True)
        assert set(changes) == {anna, self.tom_href}
        assert "FN:Anna Berg" in (found_props(changes[anna])[f"{CARD}address-data"].text or "")
        assert "404" in (changes[self.tom_href].findtext(f"{DAV}status") or "")

    def test_it_forgets_a_tombstone_when_the_name_is_used_again(self):
        self.put(self.book + "phone-anna.vcf", ANNA)
        token = books.sync_token(timezone.now())
        self.dav("DELETE", self.book + "phone-anna.vcf")
        self.put(self.book + "phone-anna.vcf", ANNA)
        changes, _ = self.sync(token)
        assert "404" not in ET.tostring(changes[self.book + "phone-anna.vcf"]).decode()
        assert not CardTombstone.objects.filter(name="phone-anna.vcf").exists()

    def test_it_refuses_an_invalid_or_too_old_sync_token(self):
        old = books.sync_token(timezone.now() - timedelta(days=books.SYNC_TOKEN_DAYS + 1))
        for token in ("nonsense", "urn:x-goodwill:sync:12a", old):
            answer = self.dav("REPORT", self.book, sync_body(token))
            assert answer.status_code == 403
            assert b"valid-sync-token" in answer.content

    def test_it_leaves_no_tombstone_when_a_whole_workspace_goes(self):
        self.other_workspace.delete()
        self.workspace.delete()
        assert not CardTombstone.objects.exists()


class OutsiderTests(DavTestCase):
    """No CardDAV path ever reaches another workspace."""

    def paths(self) -> list[str]:
        return [
            f"/dav/principals/{self.owner.pk}/",
            f"/dav/addressbooks/{self.owner.pk}/",
            self.book,
            self.tom_href,
        ]

    def test_it_answers_404_on_every_path_of_the_owners_book(self):
        who = (self.outsider.email, self.outsider_token)
        for path in self.paths():
            for method, body in (("PROPFIND", PROPFIND_ALL), ("REPORT", sync_body())):
                assert self.dav(method, path, body, who=who).status_code == 404, (method, path)
        for method in ("GET", "DELETE"):
            assert self.dav(method, self.tom_href, who=who).status_code == 404
        answer = self.dav("PUT", self.book + "x.vcf", ANNA, who=who, content_type="text/vcard")
        assert answer.status_code == 404
        assert (
            self.dav("PUT", self.tom_href, ANNA, who=who, content_type="text/vcard").status_code
            == 404
        )
        assert list(Contact.objects.values_list("first_name", flat=True)) == ["Tom"]

    def test_it_answers_401_without_a_token(self):
        for path in self.paths():
            assert self.client.generic("PROPFIND", path).status_code == 401

    def test_a_member_of_two_workspaces_reaches_only_the_tokens_book(self):
        from goodwill.accounts import services as accounts
        from goodwill.accounts.models import Role

        accounts.member_add(workspace=self.other_workspace, user=self.owner, role=Role.OWNER)
        bakery_token = accounts.token_create(
            workspace=self.other_workspace, user=self.owner, name="bakery"
        )[1]
        who = (self.owner.email, bakery_token)
        for path in self.paths()[2:]:
            assert self.dav("PROPFIND", path, PROPFIND_ALL, who=who).status_code == 404
        bakery = f"/dav/addressbooks/{self.owner.pk}/{self.other_workspace.slug}/"
        listing = self.responses(self.dav("PROPFIND", bakery, PROPFIND_ALL, Depth="1", who=who))
        assert set(listing) == {bakery}
        # A multiget naming the other book's card finds nothing.
        answer = self.dav(
            "REPORT", bakery, multiget_body(self.tom_href, f"{bakery}{self.tom.pk}.vcf"), who=who
        )
        assert all(
            "404" in (n.findtext(f"{DAV}status") or "") for n in self.responses(answer).values()
        )
