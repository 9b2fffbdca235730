"""Sync from the live national treatment locator, a state at a time, page by page.

The locator's ``exportsAsJson/v2`` endpoint answers pages in the shape of the sample file
(``{"page", "totalPages", "recordCount", "rows"}``), so each page's rows go through the same
importer as a file (``findtreatment.ImportRun``): the same parsing, per-row transactions, dry
run and report. This module adds what a network needs: a timeout on every request, retries with a
growing wait after a 5xx, a timeout, a dropped connection or a page cut short, a polite delay
between pages, and a checkpoint file written after each page, so an interrupted sync goes on
from the next page with ``--resume``.

Only the standard library (``urllib``): one GET per page needs no HTTP client dependency.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from programs.models import Facility, ImportChange, Source

from .findtreatment import ImportFileError, ImportRun, parse_json, rows_of, visible

# The locator's `limitType=0` (a whole state) takes "the locator's state id" as `limitValue`.
# Its front end was not checked from here; we send the state's FIPS code, the usual federal
# numbering (see the README: this is an assumption to confirm against the live service).
STATE_IDS = {
    "AL": 1, "AK": 2, "AZ": 4, "AR": 5, "CA": 6, "CO": 8, "CT": 9, "DE": 10, "DC": 11,
    "FL": 12, "GA": 13, "HI": 15, "ID": 16, "IL": 17, "IN": 18, "IA": 19, "KS": 20, "KY": 21,
    "LA": 22, "ME": 23, "MD": 24, "MA": 25, "MI": 26, "MN": 27, "MS": 28, "MO": 29, "MT": 30,
    "NE": 31, "NV": 32, "NH": 33, "NJ": 34, "NM": 35, "NY": 36, "NC": 37, "ND": 38, "OH": 39,
    "OK": 40, "OR": 41, "PA": 42, "RI": 44, "SC": 45, "SD": 46, "TN": 47, "TX": 48, "UT": 49,
    "VT": 50, "VA": 51, "WA": 53, "WV": 54, "WI": 55, "WY": 56, "PR": 72,
}  # fmt: skip

# A page of 2,000 rows is about 7 MB; anything far past that is not a page of the locator.
MAX_PAGE_BYTES = 100 * 1024 * 1024
CHECKPOINT_VERSION = 1


class SyncError(Exception):
    """The sync stopped; the message says why and whether --resume can go on."""


@dataclass
class Fetcher:
    """GETs pages of the locator with a timeout, retries and backoff."""

    base_url: str
    timeout: float
    tries: int
    backoff: float
    sleep: Callable[[float], None] = time.sleep
    log: Callable[[str], None] = lambda line: None

    @classmethod
    def from_settings(cls, **kwargs) -> Fetcher:
        return cls(
            base_url=settings.FINDTREATMENT_API_URL,
            timeout=settings.FINDTREATMENT_API_TIMEOUT,
            tries=max(1, settings.FINDTREATMENT_API_TRIES),
            backoff=settings.FINDTREATMENT_API_BACKOFF,
            **kwargs,
        )

    def url(self, params: dict) -> str:
        return f"{self.base_url}?{urllib.parse.urlencode(params)}"

    def get(self, params: dict) -> dict:
        """One page as JSON. Raises SyncError once every try failed or the answer is final."""
        url = self.url(params)
        problem = ""
        for attempt in range(self.tries):
            if attempt:
                wait = self.backoff * 2 ** (attempt - 1)
                self.log(f"  {problem}; trying again in {wait:g} s")
                self.sleep(wait)
            try:
                body = self._read(url)
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    # A 4xx will not change on a retry: the request itself is wrong.
                    raise SyncError(f"the locator refused {url}: HTTP {exc.code}") from exc
                problem = f"HTTP {exc.code}"
                continue
            except (OSError, http.client.HTTPException) as exc:
                # URLError and TimeoutError are OSErrors; IncompleteRead (a body cut short of
                # its Content-Length) is an HTTPException.
                reason = getattr(exc, "reason", exc)
                problem = (
                    f"no answer within {self.timeout:g} s"
                    if isinstance(reason, TimeoutError)
                    else f"connection failed ({visible(str(reason) or type(reason).__name__)})"
                )
                continue
            try:
                data = parse_json(body, "the page")
                rows_of(data, "the page")
            except ImportFileError as exc:
                # A page cut short in transit is the usual cause; the next try often works.
                problem = visible(str(exc)).split(". Expected")[0]
                continue
            return data
        raise SyncError(f"gave up on {url} after {self.tries} tries: {problem}")

    def _read(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": "IOP Finder locator sync"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            body = response.read(MAX_PAGE_BYTES + 1)
        if len(body) > MAX_PAGE_BYTES:
            raise ImportFileError(f"the page is over {MAX_PAGE_BYTES // 1024 // 1024} MB")
        return body


def page_params(state: str, page: int, page_size: int) -> dict:
    return {
        "sType": "sa",
        "sCodes": "",
        "limitType": 0,
        "limitValue": STATE_IDS[state],
        "pageSize": page_size,
        "page": page,
        "sort": 0,
    }


class Checkpoint:
    """How far a sync got, in a small JSON file rewritten after every page."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def load(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SyncError(f"cannot read the checkpoint {self.path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
            raise SyncError(f"{self.path} is not a checkpoint of this importer")
        return data

    def save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(data, indent=1), encoding="utf-8")
        scratch.replace(self.path)  # never a half-written checkpoint

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass
class SyncResult:
    started_at: datetime
    resumed: bool
    pages: int
    states: list[str]


def sync(
    run: ImportRun,
    states: list[str],
    *,
    fetcher: Fetcher,
    checkpoint: Checkpoint,
    resume: bool = False,
    page_size: int | None = None,
    delay: float | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> SyncResult:
    """Import every page of each state into ``run``. Raises SyncError when it must stop.

    The checkpoint is written after each page's rows are committed and removed once every
    state is done; a dry run neither reads nor writes it.
    """
    page_size = page_size or settings.FINDTREATMENT_API_PAGE_SIZE
    delay = settings.FINDTREATMENT_API_DELAY if delay is None else delay
    dry_run = run.report.dry_run
    state_of_play = checkpoint.load() if resume and not dry_run else None
    if resume and not dry_run and state_of_play is None:
        raise SyncError(f"nothing to resume: no checkpoint at {checkpoint.path}")
    if not resume and not dry_run and checkpoint.path.exists():
        log(f"An interrupted sync left {checkpoint.path}; starting over (--resume goes on).")
    if state_of_play:
        states = state_of_play["states"]
        page_size = state_of_play["page_size"]
        run.rows_done = state_of_play["rows_done"]
        run.seen = dict(state_of_play["seen"])
    else:
        state_of_play = {
            "version": CHECKPOINT_VERSION,
            "started_at": run.now.isoformat(),
            "states": states,
            "page_size": page_size,
            "rows_done": 0,
            "seen": {},
            "next_page": {},
        }
    pages = 0
    for state in states:
        page = state_of_play["next_page"].get(state, 1)
        total_pages = None
        while page and (total_pages is None or page <= total_pages):
            if pages:
                fetcher.sleep(delay)
            data = fetcher.get(page_params(state, page, page_size))
            rows = rows_of(data, "the page")
            total_pages = _total_pages(data, page, rows)
            log(f"{state}: page {page} of {total_pages}, {len(rows)} rows")
            run.import_many(rows)
            pages += 1
            page = page + 1 if page < total_pages and rows else 0
            state_of_play["next_page"][state] = page
            state_of_play["rows_done"] = run.rows_done
            state_of_play["seen"] = run.seen
            if not dry_run:
                checkpoint.save(state_of_play)
    if not dry_run:
        checkpoint.clear()
    return SyncResult(
        started_at=datetime.fromisoformat(state_of_play["started_at"]),
        resumed=bool(resume),
        pages=pages,
        states=states,
    )


def _total_pages(data, page: int, rows: list) -> int:
    value = data.get("totalPages") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        # Without a page count, go on while pages have rows.
        return page + 1 if rows else page
    return min(value, 10_000)


def not_seen(states: list[str], seen) -> list[Facility]:
    """Locator listings in these states that a finished sync did not meet.

    The locator may have dropped them (closed, or no longer listed), or a page may have been
    short. They are left as they are, for a person to check; the summary names them.
    """
    return list(
        Facility.objects.filter(source=Source.FINDTREATMENT, state__in=states)
        .exclude(source_id__in=list(seen))
        .order_by("name")
    )


def changed_since(started_at: datetime):
    """What this sync (and the interrupted run it resumed) changed, for the summary."""
    return (
        Facility.objects.filter(source=Source.FINDTREATMENT, created_at__gte=started_at).count(),
        ImportChange.objects.filter(
            changed_at__gte=started_at, curator_value_kept=False
        ).select_related("facility", "program"),
    )
