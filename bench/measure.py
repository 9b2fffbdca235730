"""Timing the public pages in process, over requests shaped like what families ask.

Each row of the benchmark is one kind of request (a search near a ZIP code, a deep page, a
common word, a big API page, a CSV...). ``Inputs.urls()`` draws distinct request addresses for a
row from the data in the database; ``measure_pages()`` times each of them with Django's test
client (middleware, view, queries, template, no network), with the page cache off so that every
request is rendered, over several rounds, and reports the median and 95th percentile of all
rounds together as well as each round's 95th percentile, so that one lucky round cannot set a
figure.
"""

import math
import random
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from programs.models import Facility, Program, Source
from programs.search import ProgramSearch
from programs.views.export import CHUNK_SIZE

# Targets from issues 7 and 17 (25,000 programs, 2 cores).
P95_TARGET_MS = 50
API_100_P95_TARGET_MS = 100
CSV_P95_TARGET_MS = 500
CSV_5000_TARGET_MS = 3000
MAX_QUERIES = 10
# The CSV rows look for searches within this fraction of their size (500, 5,000 rows).
SIZED_TOLERANCE = 0.2
THROUGHPUT_RATIO_TARGET = 0.40
MEMORY_TARGET_MB = 150
GROWTH_RATIO_TARGET = 1.5
RESULTS_PER_PAGE = 20
HSDS_PER_PAGE = 50
# HSDS proximity is in meters: 5, 10 and 25 miles.
HSDS_PROXIMITIES = (8047, 16093, 40234)
HSDS_MODIFIED_AFTER = ("2020-01-01", "2025-06-30T12:00:00Z", "2026-11-01")

# Single filters a family might add to a place; a request combines one to three of them.
FILTERS = [
    {"evening": "1"},
    {"weekend": "1"},
    {"payment": "medicaid"},
    {"payment": "private-insurance"},
    {"payment": "self-pay"},
    {"modality": "cbt"},
    {"mat": "1"},
    {"condition": "depression"},
    {"condition": "anxiety"},
    {"format": "in_person"},
    {"format": "virtual"},
    {"dual": "2"},
    {"language": "spanish"},
    {"physician": "1"},
    {"prescriber": "1"},
    {"accepting": "1"},
    {"population": "young-adults"},
    {"max_hours": "12"},
    {"mutual_help": "1"},
]
# The fit issue's search: near home, in the evening, paid by Medicaid, with depression cared for.
THREE_CRITERIA = {"evening": "1", "payment": "medicaid", "condition": "depression"}
# Words in most listings' names or descriptions, and words in few.
COMMON_WORDS = [
    "center",
    "recovery",
    "behavioral health",
    "services",
    "program",
    "treatment",
    "counseling",
    "outpatient",
    "health",
    "group therapy",
]
RARE_WORDS = ["stillwater", "meadowbrook", "telehealth", "spanish-speaking", "expressive arts"]
SORTS = ["", "name", "verified", "hours"]
LEVEL_MIXES = [[], ["iop", "php"], ["iop", "op"], ["iop", "php", "op"], ["php"], ["op"]]
UNFILTERED_PAGES = (1, 5, 20, 50)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    target_ms: int = P95_TARGET_MS
    # CSV files take seconds each: fewer requests per round, said in the report.
    expensive: bool = False
    page_cache: bool = False


ROWS = [
    Row("near", "Results: near a ZIP, 25 miles"),
    Row("near_filters", "Results: near a ZIP + 1-3 filters"),
    Row("three_criteria", "Results: near a ZIP + evening + Medicaid + depression"),
    *(Row(f"page_{n}", f"Results: no filters, page {n}") for n in UNFILTERED_PAGES),
    Row("page_last", "Results: no filters, the last page"),
    Row("text_common", "Results: a common word"),
    Row("text_deep", "Results: a common word, page 2 to the last"),
    Row("text_rare", "Results: a rare word or a city"),
    Row("detail", "Program page"),
    Row("compare", "Compare 4 programs"),
    Row("api_20", "API, page_size=20 (near / unfiltered)"),
    Row("api_100", "API, page_size=100 (near / unfiltered)", target_ms=API_100_P95_TARGET_MS),
    Row("csv_500", "CSV of ~500 programs", target_ms=CSV_P95_TARGET_MS, expensive=True),
    Row("csv_5000", "CSV of ~5,000 programs", target_ms=CSV_5000_TARGET_MS, expensive=True),
    Row("repeated", "Results, a repeated search (page cache)", page_cache=True),
    # Issue 15: the HSDS API at per_page=50.
    Row("hsds_services", "HSDS services, per_page=50 (pages / a word / modified_after)"),
    Row("hsds_locations", "HSDS service_at_locations, per_page=50 (postcode / proximity)"),
]
ROWS_BY_KEY = {row.key: row for row in ROWS}


@dataclass
class PageResult:
    key: str
    label: str
    requests: int = 0  # timed requests, all rounds together
    distinct: int = 0  # distinct addresses among them
    rounds: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    round_p95_ms: list[float] = field(default_factory=list)
    queries_min: int | None = None
    queries_max: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    rows: int | None = None  # CSV: data rows per file (median)
    # CSV: the most queries a counted file spent per chunk of CHUNK_SIZE programs it streamed.
    queries_per_chunk: float | None = None
    db_ms: float | None = None  # median time spent in the database (of the counted requests)
    note: str = ""

    @property
    def target_ms(self) -> int:
        row = ROWS_BY_KEY.get(self.key)
        return row.target_ms if row else P95_TARGET_MS


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 < fraction <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Inputs:
    """Distinct, realistic request addresses drawn from the data in the database."""

    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        programs = Program.objects.published()
        self.slugs = list(programs.order_by("pk").values_list("slug", flat=True)[:20000])
        if len(self.slugs) < 4:
            raise CommandError("The benchmark needs at least 4 published programs.")
        # ZIP codes where facilities are, so busy cities come up as often as families there.
        facilities = Facility.objects.filter(is_published=True, source=Source.SYNTHETIC)
        if not facilities.exists():
            facilities = Facility.objects.filter(is_published=True)
        self.zips = list(facilities.order_by("pk").values_list("zip_code", flat=True)[:20000])
        self.cities = sorted(set(facilities.values_list("city", flat=True)[:5000]))
        self.iops = programs.filter(level_of_care="iop").count()
        self.published = programs.count()
        self.last_page = max(1, math.ceil(self.iops / RESULTS_PER_PAGE))
        self.text_pages: dict[str, int] = {}  # a common word's number of pages
        self.csv_searches = {
            500: self._sized_searches(programs, 500),
            5000: self._sized_searches(programs, 5000),
        }

    def _sized_searches(self, programs, target: int) -> list[tuple[str, int]]:
        """Searches (query string, rows) whose results come closest to ``target`` rows.

        First searches near ZIP codes, in each state and nationwide, every level; when none of
        them comes within ``SIZED_TOLERANCE`` of ``target`` (a file of thousands is more than a
        state holds), also the level mixes nationwide and one filter with each level mix."""
        every_level = {"level": ["iop", "php", "op"]}
        searches = [
            {"near": zip_code, "radius": radius, **every_level}
            for zip_code in self.rng.sample(self.zips, min(15, len(self.zips)))
            for radius in ("25", "50", "100")
        ]
        states = Facility.objects.filter(is_published=True).values_list("state", flat=True)
        searches += [{"state": state, **every_level} for state in sorted(set(states))[:60]]
        searches.append(every_level)
        candidates = self._sized(programs, searches, target)
        if candidates[0][0] > SIZED_TOLERANCE * target:
            mixes = [{"level": levels} if levels else {} for levels in LEVEL_MIXES]
            wider = mixes + [{**extra, **mix} for extra in FILTERS for mix in mixes]
            candidates = sorted(candidates + self._sized(programs, wider, target))
        return [(query, rows) for _gap, query, rows in candidates[:20]]

    @staticmethod
    def _sized(programs, searches, target: int) -> list[tuple[int, str, int]]:
        """(distance from ``target``, query string, rows) for each search, closest first."""
        candidates = []
        for params in searches:
            rows = ProgramSearch(params, queryset=programs).qs.count()
            candidates.append((abs(rows - target), urlencode(params, doseq=True), rows))
        return sorted(candidates)

    def _text_page(self, word: str) -> int:
        """Any page of a search for ``word`` but the first, up to its last."""
        if word not in self.text_pages:
            matches = ProgramSearch({"q": word}, queryset=Program.objects.published()).qs.count()
            self.text_pages[word] = max(1, math.ceil(matches / RESULTS_PER_PAGE))
        return self.rng.randint(min(2, self.text_pages[word]), self.text_pages[word])

    def _near(self) -> dict:
        return {"near": self.rng.choice(self.zips), "radius": "25"}

    def _filters(self) -> dict:
        params = {}
        for extra in self.rng.sample(FILTERS, self.rng.randint(1, 3)):
            params.update(extra)
        return params

    def _unfiltered(self) -> dict:
        params = {}
        sort, levels = self.rng.choice(SORTS), self.rng.choice(LEVEL_MIXES)
        if sort:
            params["sort"] = sort
        if levels:
            params["level"] = levels
        return params

    def url(self, key: str) -> str:
        rng = self.rng
        if key == "repeated":
            return "/programs/?" + urlencode({"near": self.zips[0], "radius": "25", "evening": "1"})
        if key == "near":
            return "/programs/?" + urlencode(self._near())
        if key == "near_filters":
            return "/programs/?" + urlencode({**self._near(), **self._filters()})
        if key == "three_criteria":
            return "/programs/?" + urlencode({**self._near(), **THREE_CRITERIA})
        if key.startswith("page_"):
            page = self.last_page if key == "page_last" else int(key.removeprefix("page_"))
            params = self._unfiltered()
            if key == "page_last" and params.get("level"):
                params.pop("level")  # the last page of the IOPs, whatever the mix
            return "/programs/?" + urlencode({**params, "page": page}, doseq=True)
        if key == "text_common":
            params = {"q": rng.choice(COMMON_WORDS), **self._unfiltered()}
            if rng.random() < 0.5:
                params.update(self._near())
            return "/programs/?" + urlencode(params, doseq=True)
        if key == "text_deep":
            word, sort = rng.choice(COMMON_WORDS), rng.choice(SORTS)
            params = {"q": word, **({"sort": sort} if sort else {})}
            return "/programs/?" + urlencode({**params, "page": self._text_page(word)})
        if key == "text_rare":
            words = rng.choice(RARE_WORDS + self.cities)
            return "/programs/?" + urlencode({"q": words})
        if key == "detail":
            return f"/programs/{rng.choice(self.slugs)}/"
        if key == "compare":
            return "/compare/?" + urlencode({"p": rng.sample(self.slugs, 4)}, doseq=True)
        if key in ("api_20", "api_100"):
            size = key.removeprefix("api_")
            if rng.random() < 0.5:
                params = {**self._near(), **(self._filters() if rng.random() < 0.5 else {})}
            else:
                pages = math.ceil(self.iops / int(size))
                params = {"page": rng.randint(1, max(1, min(20, pages)))}
            return "/api/programs/?" + urlencode({**params, "page_size": size})
        if key in ("hsds_services", "hsds_locations"):
            return self._hsds(key)
        if key in ("csv_500", "csv_5000"):
            query, _rows = rng.choice(self.csv_searches[int(key.removeprefix("csv_"))])
            return "/programs/export.csv?" + query
        raise ValueError(key)

    def _hsds(self, key: str) -> str:
        """An HSDS page: any page of all services, or the first pages of a narrower list."""
        rng = self.rng
        params = {"per_page": HSDS_PER_PAGE}
        pages = max(1, math.ceil(self.published / HSDS_PER_PAGE))
        draw = rng.random()
        if key == "hsds_services":
            if draw < 0.6:
                params["page"] = rng.randint(1, pages)
            elif draw < 0.85:
                params["search"] = rng.choice(COMMON_WORDS + RARE_WORDS + self.cities)
            else:
                # Synthetic listings were all changed when generated: every date matches.
                params["modified_after"] = rng.choice(HSDS_MODIFIED_AFTER)
                params["page"] = rng.randint(1, min(20, pages))
            return "/hsds/services?" + urlencode(params)
        params["postcode"] = rng.choice(self.zips)
        if draw < 0.75:
            params["proximity"] = rng.choice(HSDS_PROXIMITIES)
        return "/hsds/service_at_locations?" + urlencode(params)

    def urls(self, key: str, count: int) -> list[str]:
        """``count`` addresses for a row, as many of them distinct as the row allows."""
        seen, urls = set(), []
        for _ in range(count * 20):
            url = self.url(key)
            if url not in seen:
                seen.add(url)
                urls.append(url)
            if len(urls) == count:
                break
        while len(urls) < count:  # rows with few distinct requests (deep pages, CSV) repeat
            urls.append(urls[len(urls) % len(seen)])
        return urls


def _fetch(client, url: str):
    response = client.get(url)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response.status_code, body


def csv_rows(body: bytes) -> int:
    """The data rows of a CSV file (every line but the header)."""
    return body.count(b"\n") - 1


def csv_chunks(body: bytes) -> int:
    """How many chunks of ``CHUNK_SIZE`` programs the export read to write this file."""
    return max(1, math.ceil(csv_rows(body) / CHUNK_SIZE))


def measure_pages(
    requests: int = 200,
    seed: int = 1,
    warmup: int = 5,
    rounds: int = 3,
    expensive_requests: int = 20,
    keys: list[str] | None = None,
    log=None,
) -> list[PageResult]:
    """Time every row over ``requests`` distinct requests, ``rounds`` times, and count queries.

    Every page is rendered for every request (page cache off), except the row that measures
    what the page cache gives a search asked again. Runs in process against the configured
    database.
    """
    inputs = Inputs(seed)
    client = Client(SERVER_NAME="localhost")
    results = []
    for row in ROWS:
        if keys is not None and row.key not in keys:
            continue
        count = min(requests, expensive_requests) if row.expensive else requests
        with override_settings(PAGE_CACHE_SECONDS=300 if row.page_cache else 0):
            result = _measure_row(client, inputs, row, count, warmup, rounds)
        results.append(result)
        if log:
            log(f"  {row.label}: median {result.median_ms} ms, p95 {result.p95_ms} ms")
    return results


def _measure_row(client, inputs, row: Row, count: int, warmup: int, rounds: int) -> PageResult:
    result = PageResult(row.key, row.label)
    urls = inputs.urls(row.key, count)
    for url in urls[: min(warmup, len(urls))]:
        _fetch(client, url)
    queries, db_ms, per_chunk = [], [], []
    for url in urls[:10]:
        with CaptureQueriesContext(connection) as captured:
            status, body = _fetch(client, url)
        if status == 200:
            queries.append(len(captured))
            db_ms.append(sum(float(query["time"]) for query in captured) * 1000)
            if row.key.startswith("csv"):
                per_chunk.append(len(captured) / csv_chunks(body))
    reset_queries()
    timings, rows = [], []
    for number in range(rounds):
        this_round = []
        order = list(urls)
        random.Random(number).shuffle(order)
        for url in order:
            started = time.perf_counter()
            status, body = _fetch(client, url)
            this_round.append((time.perf_counter() - started) * 1000)
            result.statuses[str(status)] = result.statuses.get(str(status), 0) + 1
            if row.key.startswith("csv") and status == 200:
                rows.append(csv_rows(body))
        result.round_p95_ms.append(round(percentile(this_round, 0.95), 1))
        timings += this_round
    result.requests = len(timings)
    result.distinct = len(set(urls))
    result.rounds = rounds
    result.median_ms = round(statistics.median(timings), 1)
    result.p95_ms = round(percentile(timings, 0.95), 1)
    if queries:
        result.queries_min, result.queries_max = min(queries), max(queries)
        result.db_ms = round(statistics.median(db_ms), 1)
    if rows:
        result.rows = int(statistics.median(rows))
    if per_chunk:
        result.queries_per_chunk = round(max(per_chunk), 1)
    if set(result.statuses) != {"200"}:
        result.note = "some answers were not 200"
    return result


def api_queries_by_page_size(sizes=(1, 20, 100), seed: int = 1) -> dict[int, int]:
    """Queries for the same API search at different page sizes (should not grow)."""
    client = Client(SERVER_NAME="localhost")
    inputs = Inputs(seed)
    counts = {}
    query = inputs.csv_searches[500][0][0]
    for size in sizes:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/programs/?{query}&page_size={size}")
        counts[size] = len(captured)
    return counts


def wire_size(path: str = "/programs/") -> dict:
    """Bytes of a results page as sent, without and with gzip (the page cache off)."""
    client = Client(SERVER_NAME="localhost")
    with override_settings(PAGE_CACHE_SECONDS=0):
        plain = client.get(path)
        gzipped = client.get(path, headers={"accept-encoding": "gzip"})
    return {
        "path": path,
        # Outside the test runner the client keeps no template context: count the cards.
        "cards": plain.content.count(b'<article class="card"'),
        "bytes": len(plain.content),
        "gzip_bytes": len(gzipped.content),
        "encoding": gzipped.get("Content-Encoding", ""),
    }
