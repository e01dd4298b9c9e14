"""Web hardening: no inline script or style, the production settings pass Django's deployment
checks and send HSTS and secure cookies over HTTPS, uploads are capped, public forms are
rate-limited."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodwill.care.models import Case
from goodwill.care.tests.test_public import old_stamp
from goodwill.core.testing import GoodwillTestCase
from goodwill.people.models import ContactImport

ROOT = Path(__file__).resolve().parents[2]

# HTML e-mail bodies: mail clients drop stylesheets, so their styles are inline.
EMAIL_TEMPLATES = {"agenda/digest.html", "agenda/_digest_items.html"}
INLINE = re.compile(
    r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)|javascript:", re.IGNORECASE
)


def test_no_page_template_has_inline_script_or_style():
    """The Content-Security-Policy allows neither, so such a template would break in browsers."""
    offending = []
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        name = str(path).split("/templates/", 1)[1]
        if name in EMAIL_TEMPLATES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INLINE.search(line):
                offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not offending, "\n".join(offending)


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of an installation behind a TLS proxy, as docs/operations.md sets it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        GOODWILL_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_PROXY="true",
        ALLOWED_HOSTS="goodwill.example.com,testserver",
        CSRF_TRUSTED_ORIGINS="https://goodwill.example.com",
        SITE_URL="https://goodwill.example.com",
        EMAIL_URL="smtp+tls://goodwill:secret@smtp.example.com:587",
        **extra,
    )
    return env


def test_the_production_settings_pass_the_deployment_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "goodwill", "check", "--deploy", "--fail-level", "WARNING"],
        env=production(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"}, secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": [secure.status_code, dict(secure.headers.items())],
    "cookies": {name: dict(c.items()) for name, c in secure.cookies.items()},
}))
"""


def test_over_https_the_site_sends_hsts_and_secure_cookies(tmp_path):
    env = production(tmp_path, DJANGO_SETTINGS_MODULE="goodwill.settings")
    subprocess.run(
        [sys.executable, "-m", "goodwill", "migrate", "-v", "0"], env=env, check=True, timeout=300
    )
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://testserver/accounts/login/"]
    status, headers = seen["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert seen["cookies"]["csrftoken"]["secure"] is True


class UploadLimitTests(GoodwillTestCase):
    @pytest.fixture(autouse=True)
    def _settings(self, settings):
        settings.UPLOAD_MAX_BYTES = 1024 * 1024
        settings.PUBLIC_UPLOAD_MAX_BYTES = 64 * 1024

    def test_an_upload_over_the_limit_is_refused_before_it_is_read(self):
        self.login(self.owner)
        card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nEND:VCARD\r\n"
        big = SimpleUploadedFile("big.vcf", card * (1024 * 1024 // len(card) + 10), "text/vcard")
        response = self.client.post("/people/import/", {"file": big})
        self.assertContains(response, "larger than 1 MB", status_code=413)
        assert not ContactImport.objects.exists()

    def test_the_api_says_so_in_json(self):
        body = {"first_name": "x" * (1024 * 1024)}
        response = self.api("post", "contacts", body=body)
        assert response.status_code == 413
        assert "larger than" in response.json()["detail"]

    def test_visitors_may_not_post_large_bodies_to_public_pages(self):
        response = self.client.post(
            f"/p/{self.workspace.slug}/", {"text": "x" * (100 * 1024), "stamp": old_stamp()}
        )
        assert response.status_code == 413
        assert not Case.objects.exists()


class PublicRateLimitTests(GoodwillTestCase):
    def test_the_public_case_form_stops_a_flood_from_one_address(self):
        statuses = []
        for n in range(32):
            data = {
                "name": f"Flooder {n}", "email": f"f{n}@example.org", "type": "question",
                "subject": "Hello", "text": "Spam", "website": "", "stamp": old_stamp(),
            }  # fmt: skip
            statuses.append(self.client.post(f"/p/{self.workspace.slug}/", data).status_code)
        assert 429 in statuses
        created = Case.objects.filter(workspace=self.workspace).count()
        assert created == statuses.count(200) <= 30
        response = self.client.post(f"/p/{self.workspace.slug}/", {})
        self.assertContains(response, "Too many tries", status_code=429)
        # Another address is not held back by the first one's flood.
        other = self.client.post(f"/p/{self.workspace.slug}/", {}, REMOTE_ADDR="198.51.100.7")
        assert other.status_code == 400

    def test_the_lost_link_form_sends_no_mail_past_its_limit(self):
        for _ in range(10):
            response = self.client.post(f"/p/{self.workspace.slug}/lost/", {"email": "a@b.c"})
            assert response.status_code == 200
        response = self.client.post(f"/p/{self.workspace.slug}/lost/", {"email": "a@b.c"})
        assert response.status_code == 429
