"""WebDAV's XML (RFC 4918) as the CardDAV server speaks it: reading request bodies safely and
writing multistatus answers.

Request bodies are read by expat with no DTD at all: a body with a <!DOCTYPE> is refused before
any entity could be declared, so neither entity expansion nor external entities can happen.
"""

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit
from xml.parsers import expat

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALSERVER = "http://calendarserver.org/ns/"
PREFIXES = {DAV: "d", CARDDAV: "card", CALSERVER: "cs"}
for _uri, _prefix in PREFIXES.items():
    ET.register_namespace(_prefix, _uri)

XML_TYPE = 'application/xml; charset="utf-8"'


def tag(namespace: str, name: str) -> str:
    """ElementTree's name for an element: {namespace}name."""
    return f"{{{namespace}}}{name}"


def d(name: str) -> str:
    return tag(DAV, name)


def card(name: str) -> str:
    return tag(CARDDAV, name)


class BadXml(Exception):
    """The request body is not well-formed XML, or declares a DTD."""


def xml_read(body: bytes) -> ET.Element | None:
    """The root element of *body*; None for an empty body."""
    if not body.strip():
        return None
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_args: object) -> None:
        raise BadXml("A DTD is not accepted.")

    def start(name: str, attributes: dict[str, str]) -> None:
        builder.start(_name(name), {_name(key): value for key, value in attributes.items()})

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_name(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(body, True)
        return builder.close()
    except (expat.ExpatError, AssertionError) as error:
        raise BadXml(str(error)) from None


def _name(expat_name: str) -> str:
    """expat's "namespace name" as ElementTree's "{namespace}name"."""
    namespace, _, local = expat_name.rpartition(" ")
    return f"{{{namespace}}}{local}" if namespace else local


def xml_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def element(name: str, text: str | None = None, children: Iterable[ET.Element] = ()) -> ET.Element:
    node = ET.Element(name)
    node.text = text
    node.extend(children)
    return node


def quoted(path: str) -> str:
    """A path as an href: percent-encoded, so it needs no escaping in XML either."""
    return quote(path, safe="/@:+-._~")


def href(path: str) -> ET.Element:
    return element(d("href"), quoted(path))


def path_of_href(text: str) -> str:
    """The decoded path of an href, which may come as a full URL."""
    return unquote(urlsplit(text.strip()).path)


def error_body(precondition: str, *children: ET.Element) -> bytes:
    """A DAV:error body naming the failed precondition (RFC 4918 §16)."""
    return xml_bytes(element(d("error"), children=[element(precondition, children=children)]))


# A property's value: text, child elements, or nothing (an empty element, as resourcetype of a
# card is).
type Value = str | list[ET.Element] | None
type Props = dict[str, Callable[[], Value]]


@dataclass
class Requested:
    """What a PROPFIND or REPORT asks for: some properties by name, all of them, or the names."""

    names: list[str] = field(default_factory=list)
    all: bool = False
    names_only: bool = False


def requested_of(root: ET.Element | None) -> Requested:
    """The properties a DAV:propfind (or a REPORT's DAV:prop) asks for; no body means all."""
    if root is None:
        return Requested(all=True)
    if root.find(d("allprop")) is not None:
        return Requested(all=True)
    if root.find(d("propname")) is not None:
        return Requested(names_only=True)
    prop = root.find(d("prop"))
    if prop is None:
        raise BadXml("Name the properties in DAV:prop, or ask for DAV:allprop.")
    return Requested(names=[child.tag for child in prop])


def response(
    path: str, props: Props, requested: Requested, *, all_names: Iterable[str]
) -> ET.Element:
    """One DAV:response: the properties found (200) and those not (404)."""
    found: list[ET.Element] = []
    missing: list[ET.Element] = []
    if requested.names_only:
        found = [ET.Element(name) for name in props]
    else:
        names = list(all_names) if requested.all else requested.names
        for name in names:
            getter = props.get(name)
            if getter is None:
                missing.append(ET.Element(name))
                continue
            value = getter()
            found.append(
                element(name, value, ())
                if isinstance(value, str) or value is None
                else element(name, children=value)
            )
    node = element(d("response"), children=[href(path)])
    for items, status in ((found, "200 OK"), (missing, "404 Not Found")):
        if items:
            node.append(propstat(items, status))
    return node


def propstat(props: list[ET.Element], status: str) -> ET.Element:
    return element(
        d("propstat"),
        children=[element(d("prop"), children=props), element(d("status"), f"HTTP/1.1 {status}")],
    )


def status_response(path: str, status: str) -> ET.Element:
    """A DAV:response with a bare status: a card not found, or deleted since the sync token."""
    return element(d("response"), children=[href(path), element(d("status"), f"HTTP/1.1 {status}")])


def multistatus(responses: Iterable[ET.Element | bytes], *, sync_token: str | None = None) -> bytes:
    return b"".join(multistatus_chunks(responses, sync_token=sync_token))


def multistatus_chunks(
    responses: Iterable[ET.Element | bytes], *, sync_token: str | None = None
) -> Iterator[bytes]:
    """A DAV:multistatus a response at a time, so that a book of 100,000 cards streams.
    A response comes as an element, or already serialised (see response_template)."""
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for uri, prefix in PREFIXES.items())
    yield f'<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus {namespaces}>'.encode()
    for item in responses:
        yield (
            item
            if isinstance(item, bytes)
            else ET.tostring(item, encoding="utf-8", xml_declaration=False)
        )
    if sync_token is not None:
        yield ET.tostring(
            element(d("sync-token"), sync_token), encoding="utf-8", xml_declaration=False
        )
    yield b"</d:multistatus>"


_HREF_MARK = "HREF0MARK"
_VALUE_MARK = "VALUE0MARK"


def response_template(
    props_of: Callable[[str], Props], requested: Requested, *, all_names: Iterable[str]
) -> Callable[[str, str], bytes]:
    """response() for many resources whose properties differ only in one value (a card's ETag
    in a listing): serialised once, then filled in for each. *props_of* gives the properties
    for a value; the value must need no escaping in XML."""
    sample = response(_HREF_MARK, props_of(_VALUE_MARK), requested, all_names=list(all_names))
    text = ET.tostring(sample, encoding="unicode")

    def fill(path: str, value: str) -> bytes:
        return text.replace(_HREF_MARK, quoted(path)).replace(_VALUE_MARK, value).encode()

    return fill
