from datetime import timedelta
from unittest import mock

from django.core import mail
from django.db import OperationalError, transaction
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goodwill.core import worker
from goodwill.core.models import SweepState, WorkerHeartbeat
from goodwill.core.tasks import send_test_email
from goodwill.core.testing import GoodwillTestCase


class Boom(Exception):
    pass


class JobTests(GoodwillTestCase):
    def test_it_runs_a_committed_job_once(self):
        send_test_email.enqueue("dan@ortiz.example")
        assert worker.jobs_run_ready("test-worker") == 1
        assert [m.to for m in mail.outbox] == [["dan@ortiz.example"]]
        assert worker.jobs_run_ready("test-worker") == 0
        assert len(mail.outbox) == 1
        assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL

    def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(self):
        with self.assertRaises(Boom), transaction.atomic():
            send_test_email.enqueue("dan@ortiz.example")
            raise Boom
        assert worker.jobs_run_ready("test-worker") == 0
        assert mail.outbox == []
        assert not DBTaskResult.objects.exists()

    def test_it_records_a_failed_job_and_goes_on(self):
        with override_settings(MAILERS={"default": {"BACKEND": "goodwill.missing.Backend"}}):
            send_test_email.enqueue("dan@ortiz.example")
            assert worker.jobs_run_ready("test-worker") == 1
        assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
        assert worker.worker_status()["jobs_failed_24h"] == 1

    def test_worker_loop_round_beats_runs_sweeps_and_jobs(self):
        send_test_email.enqueue("ava@ortiz.example")
        loop = worker.WorkerLoop(worker_id="loop-1", poll_seconds=1)
        assert loop.run_once() == 1
        beat = WorkerHeartbeat.objects.get(worker_id="loop-1")
        assert beat.jobs_run == 1
        assert set(SweepState.objects.values_list("name", flat=True)) >= {
            "prune-finished-jobs",
            "prune-housekeeping",
        }


class SweepTests(GoodwillTestCase):
    def setUp(self):
        self.calls: list[object] = []
        self.item = worker.Sweep(
            name="test-sweep", every=timedelta(minutes=5), function=self.calls.append
        )

    def test_only_one_of_two_workers_claims_a_due_sweep(self):
        now = timezone.now()
        assert worker.sweep_run(self.item, now) is True
        assert worker.sweep_run(self.item, now) is False
        assert self.calls == [now]

    def test_it_runs_again_when_due_and_catches_up_once_after_downtime(self):
        now = timezone.now()
        worker.sweep_run(self.item, now)
        assert worker.sweep_run(self.item, now + timedelta(minutes=4)) is False
        much_later = now + timedelta(days=3)
        assert worker.sweep_run(self.item, much_later) is True
        assert worker.sweep_run(self.item, much_later) is False
        assert self.calls == [now, much_later]
        state = SweepState.objects.get(name="test-sweep")
        assert state.next_run_at == much_later + timedelta(minutes=5)

    def test_a_failing_sweep_records_its_error_and_is_retried_next_time(self):
        def fail(now):
            raise RuntimeError("disk full")

        item = worker.Sweep(name="failing", every=timedelta(minutes=1), function=fail)
        now = timezone.now()
        assert worker.sweep_run(item, now) is True
        state = SweepState.objects.get(name="failing")
        assert "disk full" in state.last_error
        assert state.last_finished_at is not None
        assert worker.sweep_run(item, now + timedelta(minutes=1)) is True

    def test_housekeeping_prunes_old_successful_jobs_but_keeps_failed_ones(self):
        old = timezone.now() - timedelta(days=31)
        for status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            result = send_test_email.enqueue("x@example.com")
            DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=old)
        from goodwill.core.sweeps import prune_finished_jobs

        assert prune_finished_jobs(timezone.now()) == 1
        assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED


class HealthTests(GoodwillTestCase):
    def test_healthz_reports_the_database_and_no_worker(self):
        response = self.client.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["database"] == "ok"
        assert body["worker"]["alive"] is False
        assert body["worker"]["last_seen_at"] is None

    def test_healthz_reports_a_live_worker_and_the_queue(self):
        worker.heartbeat_beat("w-1")
        send_test_email.enqueue("dan@ortiz.example")
        body = self.client.get("/healthz").json()
        assert body["worker"]["alive"] is True
        assert body["worker"]["workers_alive"] == 1
        assert body["worker"]["jobs_waiting"] == 1

    def test_a_silent_or_stopped_worker_is_reported_down(self):
        worker.heartbeat_beat("w-1")
        WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=10))
        assert worker.worker_status()["alive"] is False
        worker.heartbeat_beat("w-2")
        worker.heartbeat_stop("w-2")
        assert worker.worker_status()["alive"] is False

    def test_the_system_page_is_for_operators_only(self):
        worker.heartbeat_beat("w-1")
        self.login(self.owner)
        assert self.client.get("/system/").status_code == 302
        self.owner.is_staff = True
        self.owner.save()
        response = self.client.get("/system/")
        assert response.status_code == 200
        self.assertContains(response, "w-1")
        self.assertContains(response, "Jobs waiting")

    def test_the_dashboard_shows_whether_reminders_can_go_out(self):
        self.login(self.owner)
        self.assertContains(self.client.get("/"), "Reminders engine is not running")
        worker.heartbeat_beat("w-1")
        self.assertContains(self.client.get("/"), "Reminders engine is running")

    def test_the_test_email_button_queues_a_message_to_the_user(self):
        self.login(self.assistant)
        response = self.client.post("/accounts/me/test-email/")
        assert response.status_code == 302
        worker.jobs_run_ready("test-worker")
        assert mail.outbox[0].to == [self.assistant.email]
        assert mail.outbox[0].subject == "Goodwill test e-mail"


class WorkerStopTests(GoodwillTestCase):
    def test_a_stopping_worker_runs_no_further_job(self):
        send_test_email.enqueue("dan@ortiz.example")
        send_test_email.enqueue("ava@ortiz.example")
        answers = iter([True, False])
        assert worker.jobs_run_ready("w", keep_going=lambda: next(answers)) == 1
        assert worker.worker_status()["jobs_waiting"] == 1

    def test_worker_once_reports_itself_stopped(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("worker", "--once", stdout=out)
        assert "Ran 0 job(s)." in out.getvalue()
        assert WorkerHeartbeat.objects.get().stopped_at is not None
        assert worker.worker_status()["alive"] is False

    def test_housekeeping_drops_expired_sessions(self):
        from django.contrib.sessions.models import Session

        from goodwill.core.sweeps import prune_housekeeping

        self.login(self.owner)
        Session.objects.create(
            session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1)
        )
        prune_housekeeping(timezone.now())
        assert list(Session.objects.values_list("session_key", flat=True)) != []
        assert not Session.objects.filter(session_key="old").exists()

    def test_healthz_answers_head_requests(self):
        assert self.client.head("/healthz").status_code == 200
        assert self.client.post("/healthz").status_code == 405


class AbandonedJobTests(GoodwillTestCase):
    def test_a_job_whose_worker_died_is_marked_failed_not_rerun(self):
        from goodwill.core.sweeps import fail_abandoned_jobs

        result = send_test_email.enqueue("dan@ortiz.example")
        job = worker.job_claim("dead-worker")
        assert job is not None
        worker.heartbeat_beat("dead-worker")
        WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=10))
        live = worker.job_claim("live-worker")
        assert live is None
        assert fail_abandoned_jobs(timezone.now()) == 1
        assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.FAILED
        assert worker.jobs_run_ready("live-worker") == 0
        assert mail.outbox == []

    def test_a_job_of_a_live_worker_is_left_alone(self):
        from goodwill.core.sweeps import fail_abandoned_jobs

        send_test_email.enqueue("dan@ortiz.example")
        worker.heartbeat_beat("busy-worker")
        worker.job_claim("busy-worker")
        assert fail_abandoned_jobs(timezone.now()) == 0
        assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING


class WorkerResilienceTests(GoodwillTestCase):
    def test_a_failing_round_is_logged_and_retried_after_a_pause(self):
        loop = worker.WorkerLoop(worker_id="resilient", poll_seconds=3)
        outcomes = iter([OperationalError("server closed the connection"), 0, 2])

        def flaky_round():
            outcome = next(outcomes)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        loop.run_once = flaky_round  # type: ignore[method-assign]
        # Closing the connection would end the test's transaction; the worker does it for real.
        with (
            mock.patch.object(worker, "close_old_connections"),
            self.assertLogs("goodwill.worker", "ERROR"),
        ):
            assert loop.run_round() == worker.ERROR_PAUSE_SECONDS
        assert loop.run_round() == 3
        assert loop.run_round() == 0


class DatabaseStatisticsTests(GoodwillTestCase):
    def test_the_statistics_sweep_runs_on_either_database(self):
        from django.db import connection

        from goodwill.core.sweeps import refresh_database_statistics

        refresh_database_statistics(timezone.now())
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM sqlite_stat1")
                assert cursor.fetchone()[0] > 0
