"""import_findtreatment --api against a stub of the locator on 127.0.0.1, with injected faults.

The stub serves the real sample a few rows per page, answering only for Virginia (the sample's
state); a test lists the faults it wants per page, each used once, in order. No test here
touches the internet: FINDTREATMENT_API_URL points at the stub.
"""

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from programs.importers.locator_api import STATE_IDS
from programs.models import Facility, ImportChange
from tests.test_import_findtreatment import REGION_TEN_IOP, coded, is_substance_use, raw_rows

pytestmark = pytest.mark.django_db

PAGE_SIZE = 8  # the sample's 30 rows make 4 pages
CLIENT_TIMEOUT = 0.3
DELAY = 0.15


def expected_frids() -> set[str]:
    return {
        row["frid"]
        for row in raw_rows()
        if is_substance_use(row) and "Intensive outpatient treatment" in coded(row, "SET")
    }


class StubLocator:
    def __init__(self):
        self.rows = {STATE_IDS["VA"]: raw_rows()}
        self.faults: dict[int, list[str]] = {}  # page -> faults still to inject
        self.always_failing: set[int] = set()
        self.requests: list[tuple[float, dict]] = []
        self.stop = threading.Event()

    def answer(self, handler):
        query = {key: values[0] for key, values in parse_qs(urlparse(handler.path).query).items()}
        self.requests.append((time.monotonic(), query))
        page, size = int(query["page"]), int(query["pageSize"])
        rows = self.rows.get(int(query["limitValue"]), [])
        total_pages = -(-len(rows) // size)
        chunk = rows[(page - 1) * size : page * size]
        fault = self.faults.get(page, []).pop(0) if self.faults.get(page) else None
        if page in self.always_failing:
            fault = "500"
        if fault == "repeat":  # the page's rows plus the previous page's again
            chunk = rows[(page - 2) * size : page * size]
        body = json.dumps(
            {"page": page, "totalPages": total_pages, "recordCount": len(rows), "rows": chunk}
        ).encode()
        if fault == "500":
            handler.send_response(500)
            handler.end_headers()
            handler.wfile.write(b"<html>Internal Server Error</html>")
            return
        if fault == "timeout":
            self.stop.wait(CLIENT_TIMEOUT * 4)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if fault == "truncated":  # the connection drops half way through the page
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            return
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def pages_asked(self, state="VA") -> list[int]:
        return [
            int(q["page"]) for _, q in self.requests if q["limitValue"] == str(STATE_IDS[state])
        ]


@pytest.fixture
def locator(settings, tmp_path):
    stub = StubLocator()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            stub.answer(self)

        def log_message(self, *args):
            """Keep the stub's request log out of the test output (it logs nothing)."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FINDTREATMENT_API_URL = (
        f"http://127.0.0.1:{server.server_port}/locator/exportsAsJson/v2"
    )
    settings.FINDTREATMENT_API_PAGE_SIZE = PAGE_SIZE
    settings.FINDTREATMENT_API_TIMEOUT = CLIENT_TIMEOUT
    settings.FINDTREATMENT_API_TRIES = 3
    settings.FINDTREATMENT_API_BACKOFF = 0.01
    settings.FINDTREATMENT_API_DELAY = DELAY
    settings.FINDTREATMENT_CHECKPOINT = str(tmp_path / "sync.json")
    yield stub
    stub.stop.set()
    server.shutdown()
    server.server_close()


def sync(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_findtreatment", "--api", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sync_pages_through_a_state_despite_a_500_a_timeout_a_cut_page_and_repeated_rows(
    locator,
):
    locator.faults = {1: ["500"], 2: ["timeout"], 3: ["truncated"], 4: ["repeat"]}

    out, err = sync("--state", "VA", "-v", "2")

    assert set(Facility.objects.values_list("source_id", flat=True)) == expected_frids()
    assert "HTTP 500; trying again" in err
    assert f"no answer within {CLIENT_TIMEOUT:g} s; trying again" in err
    assert "is not JSON" in err  # the cut page, retried
    assert out.count("same frid as row") == PAGE_SIZE  # page 4 repeated page 3's rows
    assert "0 failed" in out
    assert locator.pages_asked() == [1, 1, 2, 2, 3, 3, 4]
    first = locator.requests[0][1]
    assert first["limitType"] == "0" and first["limitValue"] == str(STATE_IDS["VA"])
    assert first["pageSize"] == str(PAGE_SIZE) and first["sType"] == "sa"
    assert "Synced VA: 4 pages." in out


def test_sync_waits_between_pages(locator):
    sync("--state", "VA")

    times = [t for t, _ in locator.requests]
    assert len(times) == 4
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= DELAY


def test_sync_stamps_listings_with_the_year_of_the_sync(locator):
    sync("--state", "VA")

    years = set(Facility.objects.values_list("source_published_year", flat=True))
    assert years == {timezone.localdate().year}


def test_an_interrupted_sync_resumes_from_the_page_after_the_last_one_done(locator, settings):
    locator.always_failing = {3}

    with pytest.raises(CommandError, match="--resume") as failure:
        sync("--state", "VA")

    assert "gave up on" in str(failure.value) and "HTTP 500" in str(failure.value)
    checkpoint_file = Path(settings.FINDTREATMENT_CHECKPOINT)
    checkpoint = json.loads(checkpoint_file.read_text())
    assert checkpoint["next_page"] == {"VA": 3}
    first_two_pages = {r["frid"] for r in raw_rows()[: 2 * PAGE_SIZE]} & expected_frids()
    assert set(Facility.objects.values_list("source_id", flat=True)) == first_two_pages

    locator.always_failing = set()
    locator.requests.clear()
    out, _ = sync("--resume")

    assert locator.pages_asked() == [3, 4]
    assert "Synced VA: 2 pages (resumed)." in out
    assert "Not in this sync" not in out  # the first run's pages count as seen
    assert set(Facility.objects.values_list("source_id", flat=True)) == expected_frids()
    assert not checkpoint_file.exists()


def test_a_second_sync_records_and_summarises_a_changed_row(locator):
    sync("--state", "VA")
    assert not ImportChange.objects.exists()
    region_ten = Facility.objects.get(source_id=REGION_TEN_IOP)
    old_phone = region_ten.phone

    rows = copy.deepcopy(raw_rows())
    changed = next(row for row in rows if row["frid"] == REGION_TEN_IOP)
    changed["phone"] = "434-555-0199"
    locator.rows[STATE_IDS["VA"]] = rows
    out, _ = sync("--state", "VA")

    assert "Since the last sync: 0 new listings, 1 listings with changed facts (1 changes" in out
    assert f"{region_ten.name}: phone: {old_phone} -> 434-555-0199" in out
    change = ImportChange.objects.get()
    assert (change.facility, change.program, change.field) == (region_ten, None, "phone")
    assert (change.old_value, change.new_value) == (old_phone, "434-555-0199")
    assert change.reviewed_at is None
    region_ten.refresh_from_db()
    assert region_ten.phone == "434-555-0199"


def test_a_listing_the_locator_no_longer_has_is_named_and_left_alone(locator):
    sync("--state", "VA")
    locator.rows[STATE_IDS["VA"]] = [r for r in raw_rows() if r["frid"] != REGION_TEN_IOP]

    out, _ = sync("--state", "VA")

    region_ten = Facility.objects.get(source_id=REGION_TEN_IOP)
    assert "Not in this sync, left as they are (check whether they closed): 1 listings" in out
    assert f"  {region_ten.name} (Charlottesville, VA)" in out
    assert region_ten.is_published


def test_a_dry_run_sync_writes_nothing_and_leaves_no_checkpoint(locator, settings):
    out, _ = sync("--state", "VA", "--dry-run")

    assert "Dry run: nothing was written." in out
    assert f"{len(expected_frids())} created" in out
    assert not Facility.objects.exists()
    assert not Path(settings.FINDTREATMENT_CHECKPOINT).exists()


def test_a_state_with_no_facilities_is_one_empty_page(locator):
    out, _ = sync("--state", "VA", "--state", "md")

    assert locator.pages_asked("MD") == [1]
    assert "Synced VA, MD: 5 pages." in out


def test_a_refused_request_stops_at_once_without_retrying(locator):
    locator.rows[STATE_IDS["VA"]] = raw_rows()

    def refuse(handler):
        locator.requests.append((time.monotonic(), {}))
        handler.send_response(404)
        handler.end_headers()

    locator.answer = refuse

    with pytest.raises(CommandError, match="HTTP 404"):
        sync("--state", "VA")
    assert len(locator.requests) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--state", "ZZ"], "Unknown state ZZ"),
        (["--resume"], "nothing to resume"),
    ],
)
def test_bad_sync_arguments_are_clear_errors(locator, args, message):
    with pytest.raises(CommandError, match=message):
        sync(*args)
    assert not locator.requests


def test_a_file_and_api_together_is_a_clear_error():
    with pytest.raises(CommandError, match="either a locator JSON file or --api"):
        call_command("import_findtreatment", "x.json", "--api", stdout=StringIO())
