"""The worker killed (SIGKILL) in the middle of its work, then started again: what it promised
still holds. Real processes on the test database (committed data, hence `transactional_db`),
a real SMTP server slow enough to be caught mid-message, and a kill at a moment seen happening
(a message arriving, a batch committed), never after a guessed sleep. Leases and stalls run in
minutes, so the test moves the database's clocks on instead of waiting (processes.time_passes).

The guarantees, as proven here:
- messages to contacts: each goes out exactly once, except the one the worker was handing to
  the mail server when it died: the server may have taken it, so it is never sent again but
  failed, saying it may have gone out (at most once, and visible; "Try again" resends it);
- daily digests: the same, per member and day;
- a contacts import: each batch is written whole or not at all; once the killed job is failed
  as WorkerDied (its worker stopped beating), the import is resumed and completes, everyone
  once;
- the job that was running is failed as WorkerDied, not left running.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import SmtpCollector
from goodwill.accounts import services as accounts
from goodwill.accounts.models import Role, User, Workspace
from goodwill.agenda import digest as digest_module
from goodwill.agenda.models import Digest, DigestSetting, DigestState
from goodwill.core.models import SweepState
from goodwill.core.tests.processes import (
    Processes,
    SlowSmtp,
    process_env,
    processes,
    slow_smtp,
    time_passes,
    wait_until,
)
from goodwill.messaging import services as messaging
from goodwill.messaging.models import MessageState, OutgoingMessage
from goodwill.messaging.tasks import send_message
from goodwill.people import imports
from goodwill.people import services as people
from goodwill.people.models import Contact, ContactImport, Email, ImportStatus
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for a slow machine, short enough that a hang fails the test, not the CI job.
START_SECONDS = 60
FINISH_SECONDS = 120
# Past every lease and stall of the worker's outboxes (5 and 10 minutes).
LATER_MINUTES = 11


def a_workspace(time_zone: str = "America/Chicago") -> tuple[Workspace, User]:
    owner = accounts.user_create(email="owner@crash.example", password=None, name="Owner")
    workspace = accounts.workspace_create(owner=owner, name="Crash Test", time_zone=time_zone)
    return workspace, owner


def start_worker(started: Processes, smtp: SlowSmtp) -> None:
    started.worker(process_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}"))


def kill_the_worker(started: Processes) -> None:
    started.kill(started.started[-1])


def test_it_sends_each_message_once_when_the_worker_is_killed_mid_batch(tmp_path: Path) -> None:
    workspace, owner = a_workspace()
    messages = []
    for n in range(20):
        address = f"contact{n}@crash.example"
        contact = people.contact_create(
            workspace, actor=owner, first_name=f"Contact {n}", emails=[Labelled("work", address)]
        )
        message, _ = messaging.message_queue(
            contact, actor=owner, to_address=address, subject=f"Hello {n}", body="Hi!", key=str(n)
        )
        send_message.enqueue(message.pk)
        messages.append(message)
    # The jobs send them, not the sweep that retries (it is not due yet): the worker is killed in
    # the middle of a job.
    SweepState.objects.create(name="messages", next_run_at=timezone.now() + timedelta(hours=1))
    with slow_smtp() as smtp, processes(tmp_path) as started:
        start_worker(started, smtp)
        wait_until(lambda: smtp.count() >= 5, seconds=START_SECONDS, what="5 messages")
        kill_the_worker(started)
        assert smtp.count() < len(messages), "the worker finished before it could be killed"
        time_passes(LATER_MINUTES)
        start_worker(started, smtp)
        wait_until(
            lambda: (
                jobs_settled()
                and not OutgoingMessage.objects.filter(
                    state__in=[MessageState.QUEUED, MessageState.SENDING]
                ).exists()
            ),
            seconds=FINISH_SECONDS,
            what="every message sent or failed",
        )
        kill_the_worker(started)
    received = smtp.by_recipient()
    assert all(count == 1 for count in received.values()), f"sent twice: {received}"
    states = dict(OutgoingMessage.objects.values_list("to_address", "state"))
    failed = OutgoingMessage.objects.filter(state=MessageState.FAILED)
    # Only the message being handed over when the worker died may fail, and it says why.
    assert failed.count() <= 1, list(failed.values_list("to_address", "last_error"))
    assert all(m.last_error == messaging.INTERRUPTED for m in failed)
    for address, state in states.items():
        if state == MessageState.SENT:
            assert received.get(address) == 1, address
    sent = OutgoingMessage.objects.filter(state=MessageState.SENT)
    assert sent.count() + failed.count() == len(messages)
    # Each sent message is on its contact's timeline, once.
    logged = sent.order_by("interaction_id").values_list("interaction_id", flat=True)
    assert list(logged) == list(Interaction.objects.order_by("pk").values_list("pk", flat=True))
    # Killed while a message was on its way, nearly always: in a job.
    assert_the_killed_job_failed(surely_running=False)


def jobs_settled() -> bool:
    running = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return not DBTaskResult.objects.filter(status__in=running).exists()


def assert_the_killed_job_failed(*, surely_running: bool = True) -> None:
    """The job that was running when the worker died is failed, saying so, not left running
    (unless it was killed between two jobs: *surely_running* False allows none)."""
    jobs = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL)
    found = [(job.status, job.exception_class_path) for job in jobs]
    killed = (TaskResultStatus.FAILED, "goodwill.core.sweeps.WorkerDied")
    assert found == [killed] or (not surely_running and found == []), found


def a_vcard_file(size: int) -> bytes:
    cards = [
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Person{n};Imported;;;\r\nFN:Imported Person{n}\r\n"
        f"EMAIL;TYPE=work:person{n}@import.example\r\nEND:VCARD\r\n"
        for n in range(size)
    ]
    return "".join(cards).encode()


def test_an_import_killed_halfway_is_completed_after_the_restart(tmp_path: Path) -> None:
    size = 2 * imports.BATCH + 500
    workspace, owner = a_workspace()
    imported = imports.import_prepare(
        workspace, actor=owner, filename="people.vcf", data=a_vcard_file(size)
    )
    assert imported.total == size
    imports.import_confirm(imported, actor=owner)  # more than AT_ONCE people: the worker writes
    progress = ContactImport.objects.defer("data", "cards", "preview")
    with slow_smtp() as smtp, processes(tmp_path) as started:
        start_worker(started, smtp)
        wait_until(
            lambda: progress.filter(pk=imported.pk, done__gt=0).exists(),
            seconds=START_SECONDS,
            what="the first batch written",
        )
        kill_the_worker(started)
        halfway = progress.get(pk=imported.pk)
        assert halfway.status == ImportStatus.RUNNING, "it finished before it could be killed"
        # Batches are whole: what is written is exactly what the import counts as done.
        assert Contact.objects.count() == halfway.done < size
        time_passes(LATER_MINUTES)
        start_worker(started, smtp)
        wait_until(
            lambda: (
                jobs_settled()
                and progress.filter(pk=imported.pk, status=ImportStatus.DONE).exists()
            ),
            seconds=FINISH_SECONDS,
            what="the import to finish",
        )
        kill_the_worker(started)
    done = progress.get(pk=imported.pk)
    assert (done.done, done.created) == (size, size)
    assert Contact.objects.count() == size
    addresses = Email.objects.values_list("address", flat=True)
    assert len(set(addresses)) == len(addresses) == size
    assert_the_killed_job_failed()


def a_zone_at_noon() -> str:
    """A fixed-offset zone where it is about noon now, so that no test run sees a member's day
    change (and a second digest fall due) in the middle."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12  # -12 … +11 hours from UTC
    # The POSIX names of fixed offsets have the sign reversed: Etc/GMT-5 is UTC+5.
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


def test_each_digest_goes_out_once_when_the_worker_is_killed_mid_sweep(tmp_path: Path) -> None:
    workspace, owner = a_workspace(time_zone=a_zone_at_noon())
    members = [owner]
    for n in range(24):
        member = accounts.user_create(email=f"member{n}@crash.example", password=None)
        accounts.member_add(workspace=workspace, user=member, role=Role.ASSISTANT)
        members.append(member)
    for member in members:  # due since midnight, every day, even with nothing on the agenda
        DigestSetting.objects.create(
            workspace=workspace, user=member, hour=0, days=list(range(7)), send_empty=True
        )
    with slow_smtp() as smtp, processes(tmp_path) as started:
        start_worker(started, smtp)
        wait_until(lambda: smtp.count() >= 5, seconds=START_SECONDS, what="5 digests")
        kill_the_worker(started)
        assert smtp.count() < len(members), "the sweep finished before it could be killed"
        time_passes(LATER_MINUTES)
        start_worker(started, smtp)
        wait_until(
            lambda: (
                Digest.objects.count() == len(members)
                and not Digest.objects.exclude(
                    state__in=[DigestState.SENT, DigestState.FAILED]
                ).exists()
            ),
            seconds=FINISH_SECONDS,
            what="every digest sent or failed",
        )
        kill_the_worker(started)
    received = smtp.by_recipient()
    assert all(count == 1 for count in received.values()), f"sent twice: {received}"
    failed = Digest.objects.filter(state=DigestState.FAILED)
    assert failed.count() <= 1, list(failed.values_list("user__email", "error"))
    assert all(d.error == digest_module.INTERRUPTED for d in failed)
    for digest in Digest.objects.filter(state=DigestState.SENT).select_related("user"):
        assert received.get(digest.user.email) == 1, digest.user.email
    assert {d.user_id for d in Digest.objects.all()} == {m.pk for m in members}


# The two ways a worker can die mid-send, each checked alone, without processes: after claiming
# (nothing went out: sent once the lease is over) or while handing it to the mail server (it
# may have gone out: failed, with the reason, and sent again only when someone asks).


@pytest.mark.django_db
def test_a_message_interrupted_while_handed_over_fails_and_is_never_resent(
    smtp: SmtpCollector,
) -> None:
    workspace, owner = a_workspace()
    claimed, handed = [
        messaging.message_queue(
            people.contact_create(
                workspace, actor=owner, first_name=name, emails=[Labelled("work", address)]
            ),
            actor=owner,
            to_address=address,
            subject="Hi",
            body="Hello",
            key=name,
        )[0]
        for name, address in [("Claimed", "claimed@crash.example"), ("Handed", "h@crash.example")]
    ]
    died = timezone.now() - messaging.LEASE - timedelta(seconds=1)
    sending = OutgoingMessage.objects.filter(pk__in=[claimed.pk, handed.pk])
    sending.update(state=MessageState.SENDING, claimed_at=died, attempts=1)
    OutgoingMessage.objects.filter(pk=handed.pk).update(sent_at=died)
    assert messaging.messages_send_due() == 1
    assert [envelope.rcpt_tos for envelope in smtp.envelopes] == [["claimed@crash.example"]]
    handed.refresh_from_db()
    assert (handed.state, handed.last_error, handed.sent_at) == (
        MessageState.FAILED,
        messaging.INTERRUPTED,
        None,
    )
    assert messaging.messages_send_due(timezone.now() + timedelta(days=1)) == 0
    messaging.message_retry(handed)
    assert messaging.messages_send_due() == 1
    assert len(smtp.envelopes) == 2


@pytest.mark.django_db
def test_a_digest_interrupted_while_handed_over_fails_and_is_never_resent(
    smtp: SmtpCollector,
) -> None:
    workspace, owner = a_workspace(time_zone=a_zone_at_noon())
    other = accounts.user_create(email="other@crash.example", password=None)
    accounts.member_add(workspace=workspace, user=other)
    day = timezone.now().astimezone(workspace.zone).date()
    died = timezone.now() - digest_module.LEASE - timedelta(seconds=1)
    for user, handed_at in [(owner, None), (other, died)]:
        Digest.objects.create(
            workspace=workspace,
            user=user,
            local_date=day,
            state=DigestState.SENDING,
            claimed_at=died,
            claimed_by="dead:1",
            attempts=1,
            sent_at=handed_at,
        )
    DigestSetting.objects.create(workspace=workspace, user=owner, send_empty=True)
    assert digest_module.digests_send() == 1
    assert [envelope.rcpt_tos for envelope in smtp.envelopes] == [["owner@crash.example"]]
    interrupted = Digest.objects.get(user=other)
    assert (interrupted.state, interrupted.error) == (DigestState.FAILED, digest_module.INTERRUPTED)
    assert digest_module.digests_send(timezone.now() + timedelta(hours=1)) == 0
