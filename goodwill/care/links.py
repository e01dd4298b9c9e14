"""Unguessable links for customers: a case's status page and a contact's client page.

A link's token is an HMAC of a random nonce (kept on the row) under the secret key, so Goodwill can
put the same link in every later e-mail without keeping the token itself; the row keeps the
token's hash for the lookup, which is compared in constant time. A new nonce retires the old link;
so does changing SECRET_KEY (the "lost my link" form then sends fresh ones).
"""

import base64
import hmac
import secrets

from django.utils.crypto import salted_hmac

from goodwill.accounts.models import Workspace, hash_token
from goodwill.care.models import Case, ClientLink
from goodwill.core.scoping import scoped

CASE_SALT = "goodwill.care.case"
CLIENT_SALT = "goodwill.care.client"


def derive(salt: str, pk: int, nonce: str) -> str:
    digest = salted_hmac(salt, f"{pk}:{nonce}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def case_token_new(case: Case) -> str:
    """Give the case a new status-page link (the old one stops working); the caller saves."""
    case.public_nonce = secrets.token_hex(16)
    token = derive(CASE_SALT, case.pk, case.public_nonce)
    case.public_token_hash = hash_token(token)
    return token


def case_token(case: Case) -> str:
    """The case's current status-page token, or "" when it cannot be derived (a link made
    before links were derived, or under another secret key)."""
    if not case.public_nonce:
        return ""
    token = derive(CASE_SALT, case.pk, case.public_nonce)
    return token if hmac.compare_digest(hash_token(token), case.public_token_hash) else ""


def case_for_token(workspace: Workspace, token: str) -> Case | None:
    """The case whose status-page token this is (found by hash, compared in constant time)."""
    wanted = hash_token(token)
    case = scoped(Case, workspace).filter(public_token_hash=wanted).first()
    if case is None or not hmac.compare_digest(case.public_token_hash, wanted):
        return None
    return case


def client_token(link: ClientLink) -> str:
    return derive(CLIENT_SALT, link.contact_id, link.nonce)


def client_for_token(workspace: Workspace, token: str) -> ClientLink | None:
    wanted = hash_token(token)
    link = scoped(ClientLink, workspace).filter(token_hash=wanted).select_related("contact")
    found = link.first()
    if found is None or not hmac.compare_digest(found.token_hash, wanted):
        return None
    return found
