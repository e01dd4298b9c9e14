"""E-mail goes out through a real SMTP server (aiosmtpd) on 127.0.0.1, sent by the worker."""

import pytest

from conftest import free_port
from goodwill.core import worker
from goodwill.core.tasks import send_test_email
from goodwill.env import parse_email_url


@pytest.mark.django_db
def test_the_worker_sends_the_test_email_over_smtp(smtp, settings):
    collector = smtp
    settings.DEFAULT_FROM_EMAIL = "Goodwill <goodwill@ortiz.example>"

    send_test_email.enqueue("dan@ortiz.example")
    assert worker.jobs_run_ready("smtp-test") == 1

    assert len(collector.envelopes) == 1
    envelope = collector.envelopes[0]
    assert envelope.mail_from == "goodwill@ortiz.example"
    assert envelope.rcpt_tos == ["dan@ortiz.example"]
    content = envelope.content.decode()
    assert "Subject: Goodwill test e-mail" in content
    assert "your reminders and messages can reach people" in content


@pytest.mark.django_db
def test_an_unreachable_smtp_server_fails_the_job_visibly(settings):
    settings.MAILERS = {"default": parse_email_url(f"smtp://127.0.0.1:{free_port()}")}
    send_test_email.enqueue("dan@ortiz.example")
    assert worker.jobs_run_ready("smtp-test") == 1
    assert worker.worker_status()["jobs_failed_24h"] == 1
