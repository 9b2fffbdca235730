"""The production server (gunicorn with gunicorn.conf.py) keeps answering while slow clients
hold connections (issue 16, item 2), and its error log leaves query strings out (item 9).

A real gunicorn is started on a free loopback port with the repository's configuration."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from gunicorn.config import Config

from iopfinder.gunicorn_logging import OMITTED, PrivateLogger

ROOT = Path(__file__).resolve().parent.parent
SLOW_CLIENTS = 10
BOUND_SECONDS = 1
# What a visitor and a load balancer ask while the site is under attack.
NORMAL_REQUESTS = ["/healthz", "/programs/?near=22903&evening=1", "/api/programs/?near=22903"]
FLOOD_ATTEMPTS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn as `make serve-production` runs it (its config file), on a scratch SQLite
    database with the demo listings."""
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MANIFEST_STATIC": "0",
        "DEBUG": "",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "-v0"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "iopfinder.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    # Both workers load their templates and keep the pages (the page cache), as a running
    # site has: the tests then time what slow clients and a flood add, not a cold start.
    for _ in range(6):
        for path in NORMAL_REQUESTS:
            urllib.request.urlopen(url + path, timeout=30).read()
    yield url
    server.terminate()
    server.wait(timeout=30)


def slowloris(port: int, stop: threading.Event, opened: list) -> None:
    """One client that sends its request headers a line at a time, never finishing them."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        opened.append(client)
        while not stop.wait(0.5):
            try:
                client.sendall(b"X-Slow: 1\r\n")
            except OSError:
                return


def timed(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        response.read()
    return time.perf_counter() - started


def test_normal_requests_answer_while_ten_slow_clients_hold_connections(gunicorn):
    port = int(gunicorn.rsplit(":", 1)[1])
    stop, opened = threading.Event(), []
    clients = [
        threading.Thread(target=slowloris, args=(port, stop, opened), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for client in clients:
        client.start()
    try:
        time.sleep(2)  # every slow client is connected and has sent part of its headers
        assert len(opened) == SLOW_CLIENTS
        times = [timed(gunicorn + path) for path in NORMAL_REQUESTS * 3]
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=5)
    assert max(times) < BOUND_SECONDS, times


def failed_sign_in(url: str) -> int:
    """One wrong password for "curator", with the CSRF token a browser would send."""
    with urllib.request.urlopen(url + "/admin/login/", timeout=30) as page:
        cookie = page.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    body = urllib.parse.urlencode(
        {"username": "curator", "password": "wrong", "csrfmiddlewaretoken": token[1]}
    ).encode()
    request = urllib.request.Request(url + "/admin/login/", data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_login_flood_is_locked_out_and_the_public_site_stays_fast(gunicorn):
    statuses, times = [], []

    def flood():
        while len(statuses) < FLOOD_ATTEMPTS:
            statuses.append(failed_sign_in(gunicorn))

    flooders = [threading.Thread(target=flood, daemon=True) for _ in range(4)]
    for flooder in flooders:
        flooder.start()
    while any(flooder.is_alive() for flooder in flooders):
        times.extend(timed(gunicorn + path) for path in NORMAL_REQUESTS)
    for flooder in flooders:
        flooder.join()
    # Wrong passwords answer the form again (200) until the limit, then 429: no password is
    # checked any more. On SQLite, concurrent writers of the attempts log may find the file
    # locked, which answers 503 (never a 500, never the form).
    assert statuses.count(200) <= 5 + 3  # the limit, plus attempts already under way
    assert set(statuses[8:]) <= {429, 503} and statuses.count(429) >= 20, statuses
    assert max(times) < BOUND_SECONDS, times


def test_the_error_log_cuts_query_strings(tmp_path):
    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    log = PrivateLogger(cfg)
    try:
        raise TimeoutError("worker timeout")
    except TimeoutError:
        # What gunicorn's worker writes when a request fails inside it.
        log.exception("Error handling request %s %s", "GET", "/programs/?near=22903&q=opioid")
    written = (tmp_path / "error.log").read_text()
    assert f"Error handling request GET /programs/{OMITTED}" in written
    assert "22903" not in written and "opioid" not in written
    assert "TimeoutError" in written  # the traceback is still there
