"""The CardDAV server (RFC 6352 on WebDAV, RFC 4918; sync-collection, RFC 6578).

Clients sign in with HTTP Basic: the user's e-mail address and an API token of the workspace
whose book they sync. The token decides the book: a user with tokens for two workspaces has two
accounts on their phone. Every path names its user and workspace; a path that is not the token's
own answers 404, exactly like a card that does not exist.

    /.well-known/carddav                     -> /dav/
    /dav/                                    the root: where the principal is
    /dav/principals/<user>/                  the principal: where the address books are
    /dav/addressbooks/<user>/                the address-book home: one book
    /dav/addressbooks/<user>/<workspace>/    the workspace's book
    /dav/addressbooks/<user>/<workspace>/<name>.vcf   one card
"""

import base64
import binascii
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import wraps
from itertools import batched, chain

from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from goodwill.accounts import services
from goodwill.accounts.models import ApiToken, Membership, Workspace
from goodwill.core import acting
from goodwill.core.scoping import scoped
from goodwill.dav import books
from goodwill.dav.protocol import (
    CALSERVER,
    XML_TYPE,
    BadXml,
    Props,
    Requested,
    card,
    d,
    element,
    error_body,
    href,
    multistatus,
    multistatus_chunks,
    path_of_href,
    propstat,
    requested_of,
    response,
    response_template,
    status_response,
    tag,
    xml_read,
)
from goodwill.people.card_reading import Unreadable, read_vcards
from goodwill.people.cards import Card, card_checked
from goodwill.people.models import Contact
from goodwill.people.services import contact_erase

VCARD_TYPE = "text/vcard; charset=utf-8"
VCARD_TYPES = {"text/vcard", "text/x-vcard", "text/directory"}
# A card with a 1 MB photo, base64-encoded, with room to spare.
MAX_CARD_BYTES = 2 * 1024 * 1024
# Cards loaded (with all their vCards show) at a time for a REPORT that returns address data.
LOAD_BATCH = 500
ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT"
REALM = 'Basic realm="Goodwill", charset="UTF-8"'


class DavError(Exception):
    """An answer other than success: a status, and an optional body (plain text or XML)."""

    def __init__(self, status: int, body: bytes | str = b"", content_type: str = "") -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type or (
            XML_TYPE if isinstance(body, bytes) and body else "text/plain; charset=utf-8"
        )


def precondition_error(status: int, precondition: str, *children: ET.Element) -> DavError:
    """An error naming the precondition that failed, in a DAV:error body."""
    return DavError(status, error_body(precondition, *children))


@dataclass(frozen=True)
class Account:
    """Who is calling, and the book their token opens."""

    token: ApiToken
    is_owner: bool

    @property
    def principal(self) -> str:
        return f"/dav/principals/{self.token.user_id}/"

    @property
    def home(self) -> str:
        return f"/dav/addressbooks/{self.token.user_id}/"

    @property
    def book(self) -> str:
        return f"{self.home}{self.token.workspace.slug}/"

    @property
    def may_write(self) -> bool:
        return not self.token.read_only

    @property
    def may_delete(self) -> bool:
        """Deleting a card erases the person: for owners only, as in the web app."""
        return self.may_write and self.is_owner


def account_of(request: HttpRequest) -> Account | None:
    """The account of a Basic (e-mail, API token) or Bearer (API token) Authorization."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    email = None
    if scheme.lower() == "basic":
        try:
            email, _, secret = base64.b64decode(credentials.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
    elif scheme.lower() == "bearer":
        secret = credentials.strip()
    else:
        return None
    token = services.token_authenticate(secret) if secret else None
    if token is None or (email is not None and email.strip().lower() != token.user.email.lower()):
        return None
    membership = Membership.objects.get(workspace=token.workspace_id, user=token.user_id)
    acting.become(token.user_id, "dav")
    return Account(token, membership.is_owner)


type Handler = Callable[[HttpRequest, Account], HttpResponseBase]


def dav_view(
    handlers: Callable[..., dict[str, Handler]],
) -> Callable[..., HttpResponseBase]:
    """A DAV resource: *handlers* takes the account and the URL's arguments and returns a
    handler by method. It answers 401 (with a Basic challenge) without a valid token, 404 for
    a path that is not the token's own, and 405 for a method the resource does not have."""

    @csrf_exempt
    @wraps(handlers)
    def view(request: HttpRequest, **kwargs: str) -> HttpResponseBase:
        method = request.method or "GET"
        if method == "OPTIONS":
            return options()
        account = account_of(request)
        if account is None:
            answer = HttpResponse("Sign in with your e-mail and an API token.", status=401)
            answer["WWW-Authenticate"] = REALM
            return answer
        try:
            table = handlers(account, **kwargs)
            handler = table.get("GET" if method == "HEAD" else method)
            if handler is None:
                return HttpResponseNotAllowed(list(table))
            return handler(request, account)
        except DavError as error:
            return HttpResponse(error.body, status=error.status, content_type=error.content_type)
        except Http404:
            return HttpResponse("Not found.", status=404, content_type="text/plain")
        except BadXml as error:
            return HttpResponse(f"Malformed XML: {error}", status=400, content_type="text/plain")

    return view


def options() -> HttpResponse:
    answer = HttpResponse(status=200)
    answer["Allow"] = ALLOW
    answer["DAV"] = "1, 3, addressbook, extended-mkcol"
    return answer


@csrf_exempt
def well_known(request: HttpRequest) -> HttpResponse:
    """RFC 6764: clients that are given only a host name find the server here."""
    return HttpResponsePermanentRedirect("/dav/")


def depth_of(request: HttpRequest) -> int:
    """0 or 1; "infinity" (and no Depth header) are answered as 1: a book holds no
    collections, so nothing is left out."""
    return 0 if request.headers.get("Depth", "infinity").strip() == "0" else 1


def multistatus_response(body: bytes) -> HttpResponse:
    return HttpResponse(body, status=207, content_type=XML_TYPE)


def propfind_response(
    request: HttpRequest, resources: Iterable[tuple[str, Props, list[str]]]
) -> HttpResponse:
    """A PROPFIND's answer over (path, properties, the names allprop shows) of each resource."""
    requested = requested_of(xml_read(request.body))
    return multistatus_response(
        multistatus(
            response(path, props, requested, all_names=shown) for path, props, shown in resources
        )
    )


def propfind_only(props: Callable[[], list[tuple[str, Props, list[str]]]]) -> dict[str, Handler]:
    return {"PROPFIND": lambda request, account: propfind_response(request, props())}


# Properties.


def common_props(account: Account) -> Props:
    return {
        d("current-user-principal"): lambda: [href(account.principal)],
        d("principal-collection-set"): lambda: [href("/dav/principals/")],
    }


def principal_props(account: Account) -> Props:
    return {
        **common_props(account),
        d("resourcetype"): lambda: [element(d("principal"))],
        d("displayname"): lambda: account.token.user.name or account.token.user.email,
        d("principal-URL"): lambda: [href(account.principal)],
        card("addressbook-home-set"): lambda: [href(account.home)],
    }


def privileges(account: Account) -> list[str]:
    names = ["read", "read-current-user-privilege-set"]
    if account.may_write:
        names += ["write-content", "write-properties", "bind"]
    if account.may_delete:
        names += ["unbind", "write"]
    return names


def collection_props(account: Account) -> Props:
    return {
        **common_props(account),
        d("resourcetype"): lambda: [element(d("collection"))],
        d("owner"): lambda: [href(account.principal)],
        d("current-user-privilege-set"): lambda: [
            element(d("privilege"), children=[element(d(name))]) for name in privileges(account)
        ],
    }


def book_props(account: Account) -> Props:
    workspace = account.token.workspace
    reports = [card("addressbook-multiget"), d("sync-collection")]
    return {
        **collection_props(account),
        d("resourcetype"): lambda: [element(d("collection")), element(card("addressbook"))],
        d("displayname"): lambda: workspace.name,
        card("addressbook-description"): lambda: f"The contacts of {workspace.name} in Goodwill",
        card("supported-address-data"): lambda: [_address_type("4.0"), _address_type("3.0")],
        card("max-resource-size"): lambda: str(MAX_CARD_BYTES),
        d("supported-report-set"): lambda: [
            element(d("supported-report"), children=[element(d("report"), children=[element(r)])])
            for r in reports
        ],
        tag(CALSERVER, "getctag"): lambda: books.book_ctag(workspace),
        d("sync-token"): lambda: books.sync_token(timezone.now()),
    }


def _address_type(version: str) -> ET.Element:
    node = element(card("address-data-type"))
    node.set("content-type", "text/vcard")
    node.set("version", version)
    return node


def entry_props(entry: books.Entry) -> Props:
    return {
        d("resourcetype"): lambda: None,
        d("getetag"): lambda: entry.etag,
        d("getcontenttype"): lambda: VCARD_TYPE,
    }


def contact_props(contact: Contact, workspace: Workspace) -> Props:
    """A card's properties, its vCard included (a REPORT's card:address-data)."""
    return {
        **entry_props(
            books.Entry(contact.pk, books.served_name(contact), books.served_etag(contact))
        ),
        card("address-data"): lambda: books.served_vcard(contact, workspace),
    }


ROOT_SHOWN = [d("resourcetype"), d("current-user-principal")]
PRINCIPAL_SHOWN = [
    d("resourcetype"),
    d("displayname"),
    d("principal-URL"),
    card("addressbook-home-set"),
]
COLLECTION_SHOWN = [d("resourcetype"), d("owner"), d("current-user-privilege-set")]
BOOK_SHOWN = [
    *COLLECTION_SHOWN,
    d("displayname"),
    tag(CALSERVER, "getctag"),
    d("sync-token"),
    card("supported-address-data"),
]
CARD_SHOWN = [d("resourcetype"), d("getetag"), d("getcontenttype")]


# Resources.


def book_entries_props(account: Account) -> Iterator[tuple[str, Props, list[str]]]:
    for entry in books.book_entries(account.token.workspace):
        yield account.book + entry.name, entry_props(entry), CARD_SHOWN


def _own(account: Account, user: str, workspace: str | None = None) -> None:
    """Only the token's own user and workspace have paths; any other is a 404."""
    if user != str(account.token.user_id):
        raise Http404
    if workspace is not None and workspace != account.token.workspace.slug:
        raise Http404


@dav_view
def root(account: Account) -> dict[str, Handler]:
    props = {**common_props(account), d("resourcetype"): lambda: [element(d("collection"))]}
    return propfind_only(lambda: [("/dav/", props, ROOT_SHOWN)])


@dav_view
def principal(account: Account, user: str) -> dict[str, Handler]:
    _own(account, user)
    return propfind_only(lambda: [(account.principal, principal_props(account), PRINCIPAL_SHOWN)])


@dav_view
def home(account: Account, user: str) -> dict[str, Handler]:
    _own(account, user)

    def propfind(request: HttpRequest, account: Account) -> HttpResponse:
        resources = [(account.home, collection_props(account), COLLECTION_SHOWN)]
        if depth_of(request):
            resources.append((account.book, book_props(account), BOOK_SHOWN))
        return propfind_response(request, resources)

    return {"PROPFIND": propfind}


@dav_view
def book(account: Account, user: str, workspace: str) -> dict[str, Handler]:
    _own(account, user, workspace)
    return {"PROPFIND": book_propfind, "PROPPATCH": proppatch, "REPORT": book_report}


def book_propfind(request: HttpRequest, account: Account) -> HttpResponseBase:
    requested = requested_of(xml_read(request.body))
    head = response(account.book, book_props(account), requested, all_names=BOOK_SHOWN)
    cards: Iterable[bytes] = []
    if depth_of(request):
        cards = _listed(account, requested, books.book_entries(account.token.workspace))
    return StreamingHttpResponse(
        multistatus_chunks(chain([head], cards)), status=207, content_type=XML_TYPE
    )


def _listed(
    account: Account, requested: Requested, entries: Iterable[books.Entry]
) -> Iterator[bytes]:
    """A response per card, with the properties a listing has (not its vCard)."""
    fill = response_template(
        lambda etag: entry_props(books.Entry(0, "", etag)), requested, all_names=CARD_SHOWN
    )
    for entry in entries:
        yield fill(account.book + entry.name, entry.etag)


def proppatch(request: HttpRequest, account: Account) -> HttpResponse:
    """The book's properties are Goodwill's to set: every change is refused (403), whole."""
    root_element = xml_read(request.body)
    if root_element is None or root_element.tag != d("propertyupdate"):
        raise DavError(400, "Send a DAV:propertyupdate.")
    names = [prop.tag for change in root_element for part in change for prop in part]
    props = [ET.Element(name) for name in names]
    answer = element(d("response"), children=[href(account.book)])
    if props:
        answer.append(propstat(props, "403 Forbidden"))
    return multistatus_response(multistatus([answer]))


def book_report(request: HttpRequest, account: Account) -> HttpResponseBase:
    report = xml_read(request.body)
    if report is None:
        raise DavError(400, "A REPORT needs a body.")
    if report.tag == card("addressbook-multiget"):
        return multiget(report, account)
    if report.tag == d("sync-collection"):
        return sync_collection(request, report, account)
    raise precondition_error(403, d("supported-report"))


def multiget(report: ET.Element, account: Account) -> HttpResponse:
    """card:addressbook-multiget: the cards named by href, in one go (RFC 6352 §8.7)."""
    requested = requested_of(report)
    workspace = account.token.workspace
    paths = [path_of_href(node.text or "") for node in report.iter(d("href"))]
    names = [path.removeprefix(account.book) for path in paths]
    wanted = [name for path, name in zip(paths, names, strict=True) if _is_card(account, path)]
    found: dict[str, Contact] = {}
    for batch in batched(wanted, LOAD_BATCH):
        found |= books.named_contacts(workspace, list(batch))
    answers = [
        response(path, contact_props(found[name], workspace), requested, all_names=CARD_SHOWN)
        if name in found
        else status_response(path, "404 Not Found")
        for path, name in zip(paths, names, strict=True)
    ]
    return multistatus_response(multistatus(answers))


def _is_card(account: Account, path: str) -> bool:
    name = path.removeprefix(account.book)
    return path.startswith(account.book) and bool(name) and "/" not in name


def sync_collection(request: HttpRequest, report: ET.Element, account: Account) -> HttpResponseBase:
    """DAV:sync-collection (RFC 6578): what changed since the token, or everything without one."""
    workspace = account.token.workspace
    now = timezone.now()
    token = (report.findtext(d("sync-token")) or "").strip()
    since = None
    if token:
        try:
            since = books.sync_token_time(token, now=now) - books.OVERLAP
        except books.InvalidSyncToken:
            raise precondition_error(403, d("valid-sync-token")) from None
    level = (report.findtext(d("sync-level")) or "1").strip()
    if level not in {"1", "infinite"}:
        raise DavError(400, "DAV:sync-level is 1 or infinite.")
    requested = requested_of(report)
    changed = _changed_responses(account, requested, books.book_entries(workspace, since=since))
    gone = (
        status_response(account.book + name, "404 Not Found")
        for name in (books.deleted_names(workspace, since=since) if since else [])
    )
    chunks = multistatus_chunks(chain(changed, gone), sync_token=books.sync_token(now))
    return StreamingHttpResponse(chunks, status=207, content_type=XML_TYPE)


def _changed_responses(
    account: Account, requested: Requested, entries: Iterator[books.Entry]
) -> Iterator[ET.Element | bytes]:
    """A response per changed card; its vCard too when asked for, loaded LOAD_BATCH at a time."""
    if not (requested.all or card("address-data") in requested.names):
        yield from _listed(account, requested, entries)
        return
    workspace = account.token.workspace
    for batch in batched(entries, LOAD_BATCH):
        loaded = books.card_data(
            scoped(Contact, workspace).filter(pk__in=[e.contact_id for e in batch]), workspace
        )
        contacts = {contact.pk: contact for contact in loaded}
        for entry in batch:
            contact = contacts.get(entry.contact_id)
            # A contact deleted since the listing was read is left to the next sync.
            if contact is not None:
                props = contact_props(contact, workspace)
                yield response(account.book + entry.name, props, requested, all_names=CARD_SHOWN)


@dav_view
def card_resource(account: Account, user: str, workspace: str, name: str) -> dict[str, Handler]:
    _own(account, user, workspace)

    def get(request: HttpRequest, account: Account) -> HttpResponse:
        return card_get(request, account, name)

    def put(request: HttpRequest, account: Account) -> HttpResponse:
        return card_put(request, account, name)

    def delete(request: HttpRequest, account: Account) -> HttpResponse:
        return card_delete(request, account, name)

    def propfind(request: HttpRequest, account: Account) -> HttpResponse:
        contact = _existing(account, name)
        return propfind_response(
            request, [(account.book + name, entry_props(_entry(contact)), CARD_SHOWN)]
        )

    return {"GET": get, "PUT": put, "DELETE": delete, "PROPFIND": propfind}


def _existing(account: Account, name: str) -> Contact:
    contact = books.named_contacts(account.token.workspace, [name]).get(name)
    if contact is None:
        raise Http404
    return contact


def _entry(contact: Contact) -> books.Entry:
    return books.Entry(contact.pk, books.served_name(contact), books.served_etag(contact))


def card_get(request: HttpRequest, account: Account, name: str) -> HttpResponse:
    contact = _existing(account, name)
    etag = books.served_etag(contact)
    if etag in _etags(request.headers.get("If-None-Match", "")):
        answer = HttpResponse(status=304)
    else:
        body = (
            books.served_vcard(contact, account.token.workspace) if request.method != "HEAD" else ""
        )
        answer = HttpResponse(body, content_type=VCARD_TYPE)
    answer["ETag"] = etag
    return answer


def _etags(header: str) -> set[str]:
    return {part.strip() for part in header.split(",") if part.strip()}


def check_preconditions(request: HttpRequest, etag: str | None) -> None:
    """If-Match and If-None-Match (RFC 9110 §13) on a card that has *etag* (None: none)."""
    if_match = request.headers.get("If-Match")
    if if_match is not None and (
        etag is None or (if_match.strip() != "*" and etag not in _etags(if_match))
    ):
        raise DavError(412, "The card has changed (If-Match).")
    if_none_match = request.headers.get("If-None-Match")
    if (
        if_none_match is not None
        and etag is not None
        and (if_none_match.strip() == "*" or etag in _etags(if_none_match))
    ):
        raise DavError(412, "The card exists (If-None-Match).")


def card_put(request: HttpRequest, account: Account, name: str) -> HttpResponse:
    """Create or replace a card. No ETag comes back: Goodwill keeps the card in its own form,
    so the client must fetch it again (RFC 6352 §6.3.2.3)."""
    if not account.may_write:
        raise DavError(403, "This token is read-only.")
    media_type = request.content_type or ""
    if media_type and media_type not in VCARD_TYPES:
        raise precondition_error(415, card("supported-address-data"))
    if int(request.headers.get("Content-Length") or 0) > MAX_CARD_BYTES:
        raise precondition_error(413, card("max-resource-size"))
    workspace = account.token.workspace
    existing = books.named_contacts(workspace, [name], loaded=False).get(name)
    check_preconditions(request, books.served_etag(existing) if existing else None)
    if existing is None and (books.OWN_NAME.match(name) or len(name) > 255):
        raise DavError(403, "Goodwill names cards <number>.vcf itself; choose another name.")
    checked = _card_of(request, workspace)
    try:
        if existing is None:
            books.card_created(workspace, name, checked, actor=account.token.user)
            return HttpResponse(status=201)
        books.card_replaced(existing, checked, actor=account.token.user)
        return HttpResponse(status=204)
    except books.NameTaken:
        raise DavError(412, "Another request created this card just now; sync again.") from None
    except books.UidTaken as taken:
        raise precondition_error(
            409, card("no-uid-conflict"), href(account.book + taken.name)
        ) from None


def _card_of(request: HttpRequest, workspace: Workspace) -> Card:
    """The one card the body holds, checked; 400 (card:valid-address-data) otherwise."""
    try:
        reading = read_vcards(request.body)
    except Unreadable:
        raise precondition_error(400, card("valid-address-data")) from None
    if len(reading.cards) != 1:
        raise precondition_error(400, card("valid-address-data"))
    try:
        checked, _warnings = card_checked(workspace, reading.cards[0])
    except ValidationError:
        raise precondition_error(400, card("valid-address-data")) from None
    return checked


def card_delete(request: HttpRequest, account: Account, name: str) -> HttpResponse:
    if not account.may_write:
        raise DavError(403, "This token is read-only.")
    contact = books.named_contacts(account.token.workspace, [name], loaded=False).get(name)
    if contact is None:
        raise Http404
    check_preconditions(request, books.served_etag(contact))
    if not account.may_delete:
        raise DavError(403, "Only the workspace's owners may delete (erase) people.")
    contact_erase(contact, actor=account.token.user)
    return HttpResponse(status=204)
