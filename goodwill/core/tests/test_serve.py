"""`goodwill serve` starts the production server (gunicorn) and the worker, and stops both."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import free_port


def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_it_serves_with_a_worker_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "GOODWILL_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "WORKER_POLL_SECONDS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "goodwill", "serve", "--port", str(port), "--with-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert b"Sign in" in wait_for(f"{base}/accounts/login/")
        deadline = time.monotonic() + 30
        while not json.loads(wait_for(f"{base}/healthz"))["worker"]["alive"]:
            assert time.monotonic() < deadline, "the worker never reported in"
            time.sleep(0.5)
        # Ctrl-C in a terminal reaches the whole process group.
        os.killpg(server.pid, signal.SIGINT)
        output = server.communicate(timeout=40)[0].decode()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, output
    assert "Goodwill is serving on" in output
    assert (tmp_path / "goodwill.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()
