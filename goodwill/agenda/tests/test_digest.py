"""The daily digest: the hour in each member's zone, once a day, late when the worker was down,
real SMTP, crash safety and two workers at once."""

import email
import email.policy
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from conftest import free_port
from goodwill.accounts import services as accounts
from goodwill.agenda import digest, services
from goodwill.agenda.models import Digest, DigestSetting, DigestState
from goodwill.env import parse_email_url
from goodwill.people import services as people

UTC = ZoneInfo("UTC")


def member(zone: str, hour: int = 8, days=(0, 1, 2, 3, 4, 5, 6), send_empty=False):
    user = accounts.user_create(
        email=f"maya{free_port()}@studio.example", password=None, name="Maya"
    )
    workspace = accounts.workspace_create(owner=user, name="Studio", time_zone=zone)
    digest.digest_setting_update(
        workspace, user, enabled=True, hour=hour, days=list(days), send_empty=send_empty
    )
    return workspace, user


def with_a_reminder(workspace, user, on: date):
    dan = people.contact_create(workspace, actor=user, kind="client", first_name="Dan")
    services.reminder_create(dan, actor=user, title="Call Dan about March", due_on=on)
    return dan


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Pacific/Tongatapu", "Europe/Stockholm"])
def test_the_digest_opens_at_the_members_hour_once(zone):
    member(zone, hour=7)
    local = ZoneInfo(zone)
    before = datetime(2026, 12, 1, 6, 59, tzinfo=local)
    at = datetime(2026, 12, 1, 7, 0, tzinfo=local)
    assert digest.digests_open(before) == 0
    assert digest.digests_open(at) == 1
    assert digest.digests_open(at + timedelta(minutes=1)) == 0
    row = Digest.objects.get()
    assert (row.local_date, row.late) == (date(2026, 12, 1), False)


@pytest.mark.django_db
def test_chosen_days_only_and_late_when_the_worker_was_down():
    member("Europe/Stockholm", hour=8, days=(0, 1, 2, 3, 4))
    zone = ZoneInfo("Europe/Stockholm")
    assert digest.digests_open(datetime(2026, 12, 5, 9, tzinfo=zone)) == 0  # a Saturday
    assert digest.digests_open(datetime(2026, 12, 7, 11, 30, tzinfo=zone)) == 1  # Monday, late
    assert Digest.objects.get().late


@pytest.mark.django_db
def test_an_hour_that_does_not_exist_on_the_daylight_saving_day():
    member("America/Chicago", hour=2)
    zone = ZoneInfo("America/Chicago")
    # On 14 March 2027 Chicago's clocks jump from 01:59:59 to 03:00.
    assert digest.digests_open(datetime(2027, 3, 14, 1, 59, tzinfo=zone)) == 0
    assert digest.digests_open(datetime(2027, 3, 14, 3, 0, tzinfo=zone)) == 1
    assert not Digest.objects.get().late


@pytest.mark.django_db
def test_sent_over_smtp_with_text_html_and_unsubscribe(smtp, settings):
    settings.SITE_URL = "https://goodwill.example"
    workspace, user = member("Europe/Stockholm", hour=8)
    now = timezone.now()
    with_a_reminder(workspace, user, services.today_in(workspace, now))
    digest.digests_open(now + timedelta(days=1) - timedelta(hours=now.hour))  # tomorrow's row
    Digest.objects.all().delete()
    Digest.objects.create(workspace=workspace, user=user, local_date=services.today_in(workspace))
    assert digest.digests_send() == 1
    assert digest.digests_send() == 0
    assert len(smtp.envelopes) == 1
    message = email.message_from_bytes(smtp.envelopes[0].content, policy=email.policy.default)
    assert message["Subject"] == "Today in Studio: 1 thing to do"
    assert message["List-Unsubscribe"].startswith("<https://goodwill.example/digest/unsubscribe/")
    parts = {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "Call Dan about March" in parts["text/plain"]
    assert "Call Dan about March" in parts["text/html"]
    row = Digest.objects.get()
    assert (row.state, row.items) == (DigestState.SENT, 1)


@pytest.mark.django_db
def test_an_empty_day_sends_nothing_unless_asked(smtp):
    workspace, user = member("UTC")
    Digest.objects.create(workspace=workspace, user=user, local_date=services.today_in(workspace))
    assert digest.digests_send() == 0
    assert Digest.objects.get().state == DigestState.SKIPPED
    DigestSetting.objects.update(send_empty=True)
    Digest.objects.update(state=DigestState.PENDING)
    assert digest.digests_send() == 1
    assert len(smtp.envelopes) == 1


@pytest.mark.django_db
def test_a_worker_killed_after_claiming_neither_loses_nor_repeats(smtp):
    workspace, user = member("UTC")
    with_a_reminder(workspace, user, services.today_in(workspace))
    now = timezone.now()
    # A worker claimed it and died before sending.
    Digest.objects.create(
        workspace=workspace,
        user=user,
        local_date=services.today_in(workspace),
        state=DigestState.SENDING,
        claimed_at=now,
        claimed_by="dead:1",
        attempts=1,
    )
    assert digest.digests_send(now + timedelta(minutes=1)) == 0  # its lease still runs
    assert digest.digests_send(now + digest.LEASE + timedelta(seconds=1)) == 1
    assert digest.digests_send(now + 3 * digest.LEASE) == 0
    assert len(smtp.envelopes) == 1


@pytest.mark.django_db
def test_a_refusing_smtp_server_leaves_it_waiting_then_failed(settings):
    settings.MAILERS = {"default": parse_email_url(f"smtp://127.0.0.1:{free_port()}")}
    workspace, user = member("UTC")
    with_a_reminder(workspace, user, services.today_in(workspace))
    Digest.objects.create(workspace=workspace, user=user, local_date=services.today_in(workspace))
    assert digest.digests_send() == 0
    row = Digest.objects.get()
    assert (row.state, row.attempts) == (DigestState.PENDING, 1)
    assert row.error
    for _ in range(digest.MAX_ATTEMPTS):
        digest.digests_send()
    assert Digest.objects.get().state == DigestState.FAILED


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(smtp):
    workspace, user = member("UTC", hour=0)  # due whatever the time of day the test runs
    with_a_reminder(workspace, user, services.today_in(workspace))
    now = timezone.now()
    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker():
        try:
            barrier.wait()
            digest.digests_open(now)
            results.append(digest.digests_send(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert Digest.objects.count() == 1
    assert len(smtp.envelopes) == 1


@pytest.mark.django_db
def test_unsubscribe_without_signing_in(client):
    workspace, user = member("UTC")
    token = digest.unsubscribe_token(workspace, user)
    page = client.get(f"/digest/unsubscribe/{token}/")
    assert page.status_code == 200
    assert b"Stop the daily digest?" in page.content
    client.handlers_enforce_csrf_checks = True
    assert client.post(f"/digest/unsubscribe/{token}/").status_code == 200
    assert not DigestSetting.objects.get().enabled
    assert client.get("/digest/unsubscribe/forged/").status_code == 404
    assert client.put(f"/digest/unsubscribe/{token}/").status_code == 405


@pytest.mark.django_db
def test_the_settings_page_saves_refuses_bad_input_and_sends_a_test(client):
    _, user = member("UTC")
    client.force_login(user)
    assert client.get("/settings/digest/").status_code == 200
    bad = client.post("/settings/digest/", {"enabled": "on", "hour": "25", "days": ["0"]})
    assert bad.status_code == 400
    none = client.post("/settings/digest/", {"enabled": "on", "hour": "7", "time_zone": ""})
    assert none.status_code == 400
    good = client.post(
        "/settings/digest/",
        {"enabled": "on", "hour": "6", "days": ["5", "6"], "time_zone": "Pacific/Honolulu"},
    )
    assert good.status_code == 302
    setting = DigestSetting.objects.get()
    assert (setting.hour, setting.days, setting.time_zone) == (6, [5, 6], "Pacific/Honolulu")
    client.post("/settings/digest/test/")
    assert Digest.objects.get().test


@pytest.mark.django_db
def test_every_page_warns_when_no_worker_was_seen_for_10_minutes(client):
    from goodwill.core.models import WorkerHeartbeat

    _, user = member("UTC")
    client.force_login(user)
    assert b"Reminders are not going out" in client.get("/agenda/").content
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="h", pid=1)
    assert b"Reminders are not going out" not in client.get("/agenda/").content
    WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=11))
    assert b"Reminders are not going out" in client.get("/people/").content
