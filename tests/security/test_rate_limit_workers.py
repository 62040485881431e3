"""Rate limits under several processes (issue 15, point 7): gunicorn with two workers on 127.0.0.1.

With RATELIMIT_STORAGE_URI=redis://... (a real Debian redis-server) the login limit is shared: the tenth wrong
password within a minute is refused with 429 whichever worker answers. With the default memory storage each
worker counts on its own, so two workers allow 18 tries a minute: what the README warns about.

Requests are steered to the two workers in turn: a sync worker that has accepted a connection on which nothing
is sent yet is busy, so the next request goes to the other one; the X-Worker-Pid header (tests/support/
worker_pid.py) proves it.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import redis

from config import BASE_DIR

from ..conftest import DATABASE_URL, create_user, missing_component
from ..support.redis_server import RedisServer, free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if not binary:
        missing_component("redis-server not installed (apt-get install redis-server; scripts/test.sh does it)")
    server = RedisServer(binary)
    server.start()
    yield server.url
    server.stop()


class Gunicorn:
    """gunicorn serving the app with two sync workers on 127.0.0.1, on the test database."""

    def __init__(self, storage_uri: str, log: Path) -> None:
        self.port = free_port()
        # HOME in the test's folder: newer gunicorns put their control socket under ~/.gunicorn.
        env = {**os.environ, "APP_CONFIG": "testing", "TEST_DATABASE_URL": DATABASE_URL,
               "RATELIMIT_STORAGE_URI": storage_uri, "HOME": str(log.parent)}
        env.pop("NETWORK_INLINE_WORKER", None)
        self.log = log
        self.log_file = log.open("wb")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--worker-class", "sync", "--timeout", "60",
             "--bind", f"127.0.0.1:{self.port}", "tests.support.worker_pid:app"],
            cwd=BASE_DIR, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )
        self.hold: socket.socket | None = None
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                status, _ = self.request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-2000:]}")

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            body = urllib.parse.urlencode(form) if form is not None else None
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("X-Worker-Pid", "")
        finally:
            connection.close()

    def _occupy_a_worker(self) -> socket.socket:
        """Opens a connection and sends nothing: the free worker that accepts it is busy until it is closed."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        time.sleep(0.25)  # time for the free worker to accept it before anything else arrives
        return sock

    def request_on_the_other_worker(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """Sends a request to the worker that is not held busy, then holds that one and frees the other, so that
        successive calls alternate between the two workers. (Once the answering worker has accepted the new idle
        connection, only the freed worker can take the next request, however soon it comes.)"""
        if self.hold is None:
            self.hold = self._occupy_a_worker()
        answer = self.request(method, path, form)
        newly_held = self._occupy_a_worker()  # taken by the worker that just answered (the other is busy)
        self.hold.close()
        self.hold = newly_held
        return answer

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


@pytest.fixture
def serve(app, tmp_path):
    if not GUNICORN.exists():
        missing_component(f"gunicorn not found at {GUNICORN}")
    servers = []

    def start(storage_uri: str) -> Gunicorn:
        server = Gunicorn(storage_uri, tmp_path / f"gunicorn-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _wrong_logins(server: Gunicorn, count: int) -> list[tuple[int, str]]:
    return [
        server.request_on_the_other_worker("POST", "/login", {"email": "kalle@example.fi", "password": f"wrong-{n}"})
        for n in range(count)
    ]


def _by_worker(answers: list[tuple[int, str]]) -> dict[str, list[int]]:
    statuses: dict[str, list[int]] = {}
    for status, pid in answers:
        assert pid, "no X-Worker-Pid header"
        statuses.setdefault(pid, []).append(status)
    assert len(statuses) == 2, f"expected both workers to answer: {answers}"
    return statuses


def test_with_redis_the_login_limit_is_shared_by_the_workers(app, serve, redis_url):
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    create_user("kalle@example.fi", "Kalle")
    server = serve(redis_url)
    answers = _wrong_logins(server, 12)
    workers = _by_worker(answers)
    statuses = [status for status, _ in answers]
    assert statuses == [401] * 9 + [429] * 3, answers
    # Both workers counted toward the one limit, and both refuse once it is reached.
    for pid, seen in workers.items():
        assert 401 in seen and 429 in seen, f"worker {pid}: {seen}"
    with redis.Redis.from_url(redis_url) as client:
        assert list(client.scan_iter(match="LIMITS*")), "nothing counted in Redis"


def test_with_memory_storage_each_worker_counts_alone(app, serve):
    """The README's warning: with the default memory storage, two workers allow 2 x 9 wrong passwords a minute."""
    create_user("kalle@example.fi", "Kalle")
    server = serve("memory://")
    answers = _wrong_logins(server, 20)
    workers = _by_worker(answers)
    for pid, seen in workers.items():
        allowed = min(len(seen), 9)
        assert seen == [401] * allowed + [429] * (len(seen) - allowed), f"worker {pid}: {seen}"
    assert sum(status == 401 for status, _ in answers) > 9, answers
