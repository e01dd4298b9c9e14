import json
import logging
import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from goodwill.core.logging import JsonFormatter
from goodwill.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_time_zone,
    parse_email_url,
    read_or_create_secret,
)


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")


def test_it_uses_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("MISSING", raising=False)
    assert env_bool("MISSING", True) is True
    assert env_int("MISSING", 7) == 7
    assert env_list("MISSING", ["a"]) == ["a"]


def test_it_rejects_bad_numbers(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 1, minimum=1)


def test_it_splits_lists_and_checks_choices(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="must be one of: text, json"):
        env_choice("FORMAT", "text", ("text", "json"))


def test_it_rejects_unknown_time_zones(monkeypatch):
    monkeypatch.setenv("TZ_TEST", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="not a known time zone"):
        env_time_zone("TZ_TEST", "UTC")
    monkeypatch.setenv("TZ_TEST", "Europe/Stockholm")
    assert env_time_zone("TZ_TEST", "UTC") == "Europe/Stockholm"


def test_it_parses_smtp_urls():
    mailer = parse_email_url("smtp+tls://ana%40mail.example:s%3Acret@mail.example:2525")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example",
        "port": 2525,
        "username": "ana@mail.example",
        "password": "s:cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 20,
    }
    assert parse_email_url("smtps://mail.example")["OPTIONS"]["port"] == 465  # type: ignore[index]
    assert parse_email_url("console://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://mail.example", "not supported"),
        ("smtp://", "needs a host"),
        ("smtp://mail.example:port", "bad port"),
    ],
)
def test_it_rejects_bad_email_urls(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_email_url(url)


def test_it_creates_the_secret_key_once_and_privately(tmp_path):
    path = tmp_path / "data" / "secret_key"
    first = read_or_create_secret(path)
    assert len(first) >= 50
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_or_create_secret(path) == first


@pytest.mark.django_db
def test_it_runs_sqlite_in_wal_mode_with_foreign_keys():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only apply to SQLite.")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["NAME"].endswith("test.sqlite3")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://root@localhost/goodwill", "must be a sqlite:// or postgres://"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("EMAIL_URL", "carrier-pigeon://coop", "not supported"),
        ("TIME_ZONE", "Atlantis/Capital", "not a known time zone"),
        ("LOG_FORMAT", "xml", "must be one of"),
    ],
)
def test_a_bad_setting_stops_start_up_with_a_clear_message(tmp_path, variable, value, message):
    env = {**os.environ, "GOODWILL_DATA_DIR": str(tmp_path), "DATABASE_URL": "", variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "goodwill", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_json_logs_carry_the_extra_fields():
    record = logging.LogRecord(
        "goodwill.request", logging.INFO, __file__, 1, "GET %s", ("/",), None
    )
    record.status = 200
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /"
    assert entry["level"] == "info"
    assert entry["logger"] == "goodwill.request"
    assert entry["status"] == 200
    assert entry["time"].endswith("+00:00")
