"""The HSDS 3.0 API under ``/hsds/``: services, organizations, service_at_locations, taxonomies.

Only published listings, read through ``ProgramQuerySet`` (``published()``, ``search()``,
``near()``) and then ``load_related(page, ...)``, so a page costs the same few queries
whatever its size. Lists answer the specification's short objects, ``full=true`` the whole
ones (``serializers``). The answer is English whatever ``Accept-Language`` asks
(docs/hsds.md, "Language").
Every answer is JSON; input is checked strictly: an unknown or repeated parameter or a value we
cannot read answers 400 with what was wrong, an unknown id or a page past the end 404. Pages
are cached and kept cookie-free like the other public pages (``programs.pagecache``).
"""

import hashlib
import zlib
from array import array
from datetime import UTC, datetime
from functools import cached_property, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from programs.geo import lookup_zip
from programs.models import Facility, Program
from programs.models.loading import DETAIL, load_related
from programs.pagecache import cached_page
from programs.paging import IdPaginator
from programs.views.api import json_get_only

from . import serializers, taxonomy
from .ids import parse_id

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PROXIMITY_METERS = 500_000
METERS_PER_MILE = 1609.344
HSDS_OPENAPI = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
)


class BadParameter(Exception):
    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message, self.details = message, details


def _error(status: int, message: str, **details) -> JsonResponse:
    return JsonResponse({"error": message, **details}, status=status)


# --- Reading parameters ---------------------------------------------------------------------------


def _whole_number(name: str, minimum: int = 1, maximum: int | None = None):
    def read(raw: str) -> int:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            raise ValueError(f"{name} must be a whole number, not {raw[:40]!r}.")
        value = int(raw)
        if value < minimum or (maximum is not None and value > maximum):
            limit = f"between {minimum} and {maximum}" if maximum else f"{minimum} or more"
            raise ValueError(f"{name} must be {limit}, not {value}.")
        return value

    return read


def _text(raw: str) -> str:
    if len(raw) > 200:
        raise ValueError("search must be at most 200 characters.")
    return raw.strip()


def _moment(raw: str):
    """An ISO 8601 date or date-time; one without a time zone is read as UTC."""
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = None if day is None else datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(
            f"modified_after must be an ISO 8601 date or date-time (e.g. 2026-01-31 or "
            f"2026-01-31T09:00:00Z), not {raw[:40]!r}."
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def _uuid(name: str):
    def read(raw: str):
        value = parse_id(raw)
        if value is None:
            raise ValueError(f"{name} must be a UUID, not {raw[:40]!r}.")
        return value

    return read


def _postcode(raw: str) -> str:
    if len(raw) != 5 or not raw.isascii() or not raw.isdigit():
        raise ValueError(f"postcode must be a five-digit ZIP code, not {raw[:40]!r}.")
    return raw


def _proximity(raw: str) -> float:
    try:
        meters = float(raw)
    except ValueError:
        meters = float("nan")
    if not 0 < meters <= MAX_PROXIMITY_METERS:
        raise ValueError(
            f"proximity must be a distance in meters, above 0 and at most "
            f"{MAX_PROXIMITY_METERS}, not {raw[:40]!r}."
        )
    return meters


def _boolean(name: str):
    def read(raw: str) -> bool:
        if raw not in ("true", "false"):
            raise ValueError(f"{name} must be true or false, not {raw[:40]!r}.")
        return raw == "true"

    return read


def _json_format(raw: str) -> str:
    if raw != "json":
        raise ValueError("format must be json (the only format this API answers in).")
    return raw


PAGING = {
    "page": _whole_number("page"),
    "per_page": _whole_number("per_page", 1, MAX_PER_PAGE),
    "format": _json_format,
}
SEARCH = {"search": _text}
# How each item is shaped, not which: list pages carry the specification's short objects
# (``compiled/*_list.json``: one-to-one fields only), ``full=true`` the whole nested objects.
SHAPE = {"full": _boolean("full")}


def read_parameters(request, readers: dict) -> dict:
    """The query string read by ``readers`` (name: function of the raw value), or BadParameter."""
    params = request.GET
    unknown = sorted(name[:40] for name in params if name not in readers)
    if unknown:
        raise BadParameter(
            "Unknown parameters: " + ", ".join(unknown) + ".",
            unknown_parameters=unknown,
            allowed_parameters=sorted(readers),
        )
    repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
    if repeated:
        raise BadParameter(
            "These parameters take one value: " + ", ".join(repeated) + ".",
            repeated_parameters=repeated,
        )
    values, errors = {}, {}
    for name, raw in params.items():
        try:
            values[name] = readers[name](raw)
        except ValueError as error:
            errors[name] = [str(error)]
    if errors:
        raise BadParameter("Some parameters have values we cannot use.", errors=errors)
    return values


def hsds_view(view):
    """GET only, cached like the other public pages, and 400 as JSON for bad parameters."""

    @json_get_only
    @cached_page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as error:
            return _error(400, error.message, **error.details)

    return wrapper


def _per_page(values: dict) -> int:
    return values.get("per_page", DEFAULT_PER_PAGE)


def _page(paginator: Paginator, values: dict, shape, prepare=list) -> dict | JsonResponse:
    """The asked-for page of ``paginator`` in the HSDS page shape, each item shaped by
    ``shape`` once ``prepare`` has read the page (programs: with what their services show
    loaded). Listings are paged by id (``KeptIdsPaginator``): a list's sorted ids are read
    once per listings stamp and only the page's rows are read whole, so page 500 costs what
    page 1 does."""
    number = values.get("page", 1)
    if number > paginator.num_pages:
        return _error(404, f"There is no page {number}; there are {paginator.num_pages}.")
    page = paginator.page(number)
    contents = [shape(item) for item in prepare(page.object_list)]
    return JsonResponse(
        {
            "total_items": paginator.count,
            "total_pages": paginator.num_pages,
            "page_number": page.number,
            "size": len(contents),
            "first_page": not page.has_previous(),
            "last_page": not page.has_next(),
            "empty": paginator.count == 0,
            "contents": contents,
        }
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _no_parameters(request) -> None:
    read_parameters(request, {})


# --- Programs as services -----------------------------------------------------------------------


# The order of the ids: stable when a listing is renamed, new listings last, and an index
# walk instead of sorting every row by name (300 ms at 25,000 programs on SQLite).
ORDER = ("pk",)


def _programs(values: dict):
    """Published programs narrowed by the list parameters, in a stable order (a page of them
    is read with ``_loaded``)."""
    programs = Program.objects.published()
    order = ORDER
    if values.get("search"):
        programs = programs.search(values["search"])
        order = ("-rank", *ORDER)
    if "modified_after" in values:
        moment = values["modified_after"]
        programs = programs.filter(Q(updated_at__gte=moment) | Q(facility__updated_at__gte=moment))
    if "organization_id" in values:
        programs = programs.filter(facility__hsds_id=values["organization_id"])
    postcode = values.get("postcode")
    if "proximity" in values:
        if postcode is None:
            raise BadParameter("proximity needs a postcode to measure from.")
        place = lookup_zip(postcode)
        if place is None:
            raise BadParameter(
                "Some parameters have values we cannot use.",
                errors={"postcode": [f"We do not know the ZIP code {postcode}."]},
            )
        miles = values["proximity"] / METERS_PER_MILE
        programs = programs.near(place.latitude, place.longitude, miles)
        order = ("distance", *order)
    elif postcode is not None:
        # Without a distance, the locations in that ZIP code (HSDS would use service areas,
        # which listings do not have).
        programs = programs.filter(facility__zip_code=postcode)
    return programs.order_by(*order).select_related("facility")


def _loaded(programs, names=DETAIL) -> list:
    """Programs with everything their services show (or ``names``: what the short objects
    show, ``serializers.LIST_RELATIONS``), in a fixed handful of queries."""
    return load_related(programs, names)


def _shaped(values: dict, full, short):
    """(``full`` or ``short``, the relations it reads), as the ``full`` parameter asks."""
    if values.get("full"):
        return full, DETAIL
    return short, serializers.LIST_RELATIONS


SERVICE_LIST = {
    **PAGING,
    **SEARCH,
    **SHAPE,
    "modified_after": _moment,
    "organization_id": _uuid("organization_id"),
}


@hsds_view
def index(request):
    _no_parameters(request)
    return JsonResponse(
        {
            "version": serializers.HSDS_VERSION,
            "openapi_url": HSDS_OPENAPI,
            "services": request.build_absolute_uri(reverse("hsds:services")),
            "organizations": request.build_absolute_uri(reverse("hsds:organizations")),
            "service_at_locations": request.build_absolute_uri(
                reverse("hsds:service_at_locations")
            ),
            "taxonomies": request.build_absolute_uri(reverse("hsds:taxonomies")),
            "taxonomy_terms": request.build_absolute_uri(reverse("hsds:taxonomy_terms")),
        }
    )


# How long a list's number of matches is kept (it is keyed on the listings stamp, so this only
# bounds the cache's size over time, never how stale a count can be).
COUNT_SECONDS = 300


class CountedPaginator(IdPaginator):
    """An ``IdPaginator`` whose number of matches is kept under the listings stamp the request
    read (``programs.pagecache``), as the search form keeps its lookup rows: any change to a
    listing rewrites the stamp, so a kept count is never stale. Counting every published program
    was a quarter of a page's database time at 25,000 programs (6 ms on SQLite, 7 on
    PostgreSQL; 12 to 17 with a word or a date), the same count for every page of a list."""

    def __init__(self, *args, count_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return IdPaginator.count.func(self)
        found = cache.get(self.count_key)
        if found is None:
            found = IdPaginator.count.func(self)
            cache.set(self.count_key, found, COUNT_SECONDS)
        return found


# A list's sorted ids are kept when it has at most this many matches (8 bytes each before
# compression: 25,000 programs in order of id keep in about 30 KB, in order of a word's rank
# in about 150 KB), in the "lists" cache (at most LIST_CACHE_ENTRIES per worker).
KEEP_IDS = 50_000
# Pages that start before this row of a list whose ids are not kept yet are read by offset.
KEEP_FROM = 1000
LISTS_CACHE = "lists"
_TOO_MANY = b""


def _packed(ids: list[int]) -> bytes:
    return zlib.compress(array("q", ids).tobytes(), 1)


def _unpacked(packed: bytes) -> array:
    ids = array("q")
    ids.frombytes(zlib.decompress(packed))
    return ids


class KeptIdsPaginator(CountedPaginator):
    """Pages of a list read from its sorted ids, kept under the listings stamp.

    A page by offset (``IdPaginator``: ``id IN (SELECT id ... ORDER BY ... LIMIT 50 OFFSET
    N)``) makes the database find and sort every match before the page at every page:
    PostgreSQL joins each published program to its facility and sorts them (15 ms for page
    480 at 25,000 programs, more with a word, whose rank it computes for every match), SQLite
    ranks a common word's every match with bm25. Here the first page asked of a list past its
    first ``KEEP_FROM`` rows reads the list's ids in order once, keeps them under ``ids_key``
    (the listings stamp and the narrowing, so any change to a listing puts them out of reach),
    and from then on every page of that list is ``rows WHERE id IN (its 50 ids)``, at page 1 as
    at page 500: the same answers, from the same order, and the count is their number.

    The first pages of a list not yet kept are read by offset, with the count kept
    (``CountedPaginator``): there the offset is short, and reading every id (25,000 rows into
    Python) would make the first answer of a list slower than it is now, for a word search
    whose visitor reads page 1 only. A list of more than ``KEEP_IDS`` matches is always paged
    by offset (a sentinel remembers that it was too long).
    """

    def __init__(self, *args, ids_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids_key = ids_key
        self._kept = None
        self._too_many = False
        if ids_key is not None:
            packed = caches[LISTS_CACHE].get(ids_key)
            if packed is not None:
                self._too_many = packed == _TOO_MANY
                self._kept = None if self._too_many else _unpacked(packed)

    def _keep(self) -> None:
        ids = list(self.object_list.values_list("pk", flat=True)[: KEEP_IDS + 1])
        self._too_many = len(ids) > KEEP_IDS
        caches[LISTS_CACHE].set(
            self.ids_key, _TOO_MANY if self._too_many else _packed(ids), COUNT_SECONDS
        )
        if not self._too_many:
            self._kept = array("q", ids)

    @cached_property
    def count(self) -> int:
        if self._kept is not None:
            return len(self._kept)
        return CountedPaginator.count.func(self)

    def _rows(self, bottom: int, top: int) -> list:
        unread = self._kept is None and self.ids_key is not None and not self._too_many
        if unread and bottom >= KEEP_FROM:
            self._keep()
        if self._kept is None:
            return super()._rows(bottom, top)
        page_ids = self._kept[bottom:top].tolist()
        found = {row.pk: row for row in self.rows.filter(pk__in=page_ids)}
        # A row unpublished since the stamp was read is left out, as a page by offset would.
        return [found[pk] for pk in page_ids if pk in found]


def _list_key(kind: str, values: dict, token: str | None) -> str | None:
    """The cache key of what ``values`` select (not the page, not the shape) under the
    listings stamp ``token``, or None when there is no stamp or near a place (the probe reads
    a nearby list's ids with their distance and counts them at once)."""
    if token is None or "proximity" in values:
        return None
    narrowing = sorted(
        (name, str(value))
        for name, value in values.items()
        if name not in PAGING and name not in SHAPE
    )
    return f"hsds-{kind}:" + hashlib.sha256(repr((token, narrowing)).encode()).hexdigest()


def _program_page(
    values: dict, shape, token: str | None = None, names=DETAIL
) -> dict | JsonResponse:
    """A page of ``_programs(values)``, each program with ``names`` loaded and then shaped.
    Near a place, the sorted ids are read with their distance, which also counts the
    matches, and the page's rows are loaded by id. Elsewhere the sorted ids are kept under
    the listings stamp ``token`` and the page's rows read by id (``KeptIdsPaginator``)."""
    near = "proximity" in values
    paginator = KeptIdsPaginator(
        _programs(values),
        _per_page(values),
        rows=Program.objects.published().select_related("facility"),
        carried=("distance",) if near else (),
        probe=near,
        count_key=_list_key("count", values, token),
        ids_key=_list_key("ids", values, token),
    )
    return _page(paginator, values, shape, prepare=lambda page: _loaded(page, names))


def _token(request) -> str | None:
    return getattr(request, "listings_token", None)


@hsds_view
def services(request):
    values = read_parameters(request, SERVICE_LIST)
    base_url = _base_url(request)
    shape, names = _shaped(
        values,
        lambda program: serializers.service_data(program, base_url=base_url),
        lambda program: serializers.service_list_data(program, base_url=base_url),
    )
    return _program_page(values, shape, _token(request), names)


def _one_program(id_text: str):
    program_id = parse_id(id_text)
    if program_id is None:
        raise BadParameter(f"{id_text[:40]!r} is not a UUID.")
    program = Program.objects.published().select_related("facility").filter(hsds_id=program_id)
    return next(iter(_loaded(program[:1])), None)


@hsds_view
def service(request, id):
    _no_parameters(request)
    program = _one_program(id)
    if program is None:
        return _error(404, f"No published service has the id {id[:40]!r}.")
    return JsonResponse(
        serializers.service_data(program, base_url=_base_url(request), with_organization=True)
    )


SERVICE_AT_LOCATION_LIST = {
    **SERVICE_LIST,
    "postcode": _postcode,
    "proximity": _proximity,
}


@hsds_view
def service_at_locations(request):
    values = read_parameters(request, SERVICE_AT_LOCATION_LIST)
    base_url = _base_url(request)
    shape, names = _shaped(
        values,
        serializers.service_at_location_data,
        lambda program: serializers.service_at_location_list_data(program, base_url=base_url),
    )
    return _program_page(values, shape, _token(request), names)


# --- Facilities as organizations ------------------------------------------------------------------


def _organizations(values: dict):
    """Facilities with published programs (matching ``search``), in id order."""
    listed = Program.objects.published()
    if values.get("search"):
        listed = listed.search(values["search"])
    return Facility.objects.filter(pk__in=listed.values("facility_id")).order_by("pk")


def _whole(facilities):
    """``facilities`` with what a whole organization shows (languages, accreditations, the
    ids and names of its published programs)."""
    published_programs = Prefetch(
        "programs",
        queryset=(
            Program.objects.published()
            .order_by("name", "pk")
            .only("hsds_id", "name", "facility_id")
        ),
        to_attr="published_programs",
    )
    return facilities.prefetch_related("languages", "accreditations", published_programs)


@hsds_view
def organizations(request):
    values = read_parameters(request, {**PAGING, **SEARCH, **SHAPE})
    facilities, rows = _organizations(values), Facility.objects.filter(is_published=True)
    shape = serializers.organization_list_data
    if values.get("full"):
        facilities, rows = _whole(facilities), _whole(rows)

        def shape(facility):
            return serializers.organization_data(facility, services=facility.published_programs)

    token = _token(request)
    paginator = KeptIdsPaginator(
        facilities,
        _per_page(values),
        rows=rows,
        count_key=_list_key("organization-count", values, token),
        ids_key=_list_key("organization-ids", values, token),
    )
    return _page(paginator, values, shape)


@hsds_view
def organization(request, id):
    _no_parameters(request)
    facility_id = parse_id(id)
    if facility_id is None:
        raise BadParameter(f"{id[:40]!r} is not a UUID.")
    facility = _whole(_organizations({})).filter(hsds_id=facility_id).first()
    if facility is None:
        return _error(404, f"No organization with published programs has the id {id[:40]!r}.")
    return JsonResponse(
        serializers.organization_data(facility, services=facility.published_programs)
    )


# --- Taxonomies -----------------------------------------------------------------------------------


@hsds_view
def taxonomies(request):
    values = read_parameters(request, {**PAGING, **SEARCH})
    found = [
        tax
        for tax in taxonomy.TAXONOMIES
        if values.get("search", "").lower() in f"{tax.name} {tax.description}".lower()
    ]
    return _page(Paginator(found, _per_page(values)), values, taxonomy.taxonomy_data)


@hsds_view
def taxonomy_detail(request, id):
    _no_parameters(request)
    found = taxonomy.TAXONOMY_BY_ID.get(str(parse_id(id)))
    if found is None:
        return _error(404, f"No taxonomy has the id {id[:40]!r}.")
    return JsonResponse(taxonomy.taxonomy_data(found))


@hsds_view
def taxonomy_terms(request):
    values = read_parameters(request, {**PAGING, **SEARCH, "taxonomy_id": _uuid("taxonomy_id")})
    terms = taxonomy.all_terms()
    if "taxonomy_id" in values:
        terms = [term for term in terms if term.taxonomy.id == str(values["taxonomy_id"])]
    if values.get("search"):
        words = values["search"].lower()
        terms = [term for term in terms if words in f"{term.code} {term.name}".lower()]
    return _page(Paginator(terms, _per_page(values)), values, taxonomy.term_data)


@hsds_view
def taxonomy_term(request, id):
    _no_parameters(request)
    found = next((term for term in taxonomy.all_terms() if term.id == str(parse_id(id))), None)
    if found is None:
        return _error(404, f"No taxonomy term has the id {id[:40]!r}.")
    return JsonResponse(taxonomy.term_data(found))


# --- The tabular export -----------------------------------------------------------------------


@json_get_only
def export_zip(request):
    """The HSDS tables as one zip, as the export command last wrote it (``HSDS_EXPORT_ZIP``).

    Not built per request: the export of every listing takes a worker for tens of seconds,
    which a public address must not offer to anyone who asks; the listings change rarely, so
    a file refreshed on a schedule serves everyone the same bytes.
    """
    if request.GET:
        return _error(400, "This address takes no parameters.")
    path = Path(settings.HSDS_EXPORT_ZIP) if settings.HSDS_EXPORT_ZIP else None
    if path is None or not path.is_file():
        return _error(
            404,
            "No HSDS export has been published on this site yet. Its operator can write one "
            "with `manage.py export_hsds DIR --zip FILE` and set HSDS_EXPORT_ZIP to FILE.",
        )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="iop-finder-hsds.zip",
        content_type="application/zip",
    )
