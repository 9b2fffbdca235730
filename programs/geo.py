"""Where a searcher is, and how far away a program is, without any outside service.

US ZIP code centroids come from the ``zipcodes`` package, which ships its data inside the wheel,
so a location lookup never leaves the server. A web worker reads them packed
(about 2 MB, where the package's own table takes about 38 MB: see ``_ZipTable``), finds a
ZIP code by bisection (and keeps the answer in a small cache). A city needs its centroid, the
mean of its active ZIP codes, so the cities of a state are indexed the first time someone
searches in that state: a few milliseconds and a few hundred kilobytes per state.
"""

import bisect
import difflib
import functools
import importlib.metadata
import math
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import models


class USState(models.TextChoices):
    """The states, the District of Columbia and the territories a listing can be in, by postal
    code (the locator's states)."""

    AL = "AL", "Alabama"
    AK = "AK", "Alaska"
    AZ = "AZ", "Arizona"
    AR = "AR", "Arkansas"
    CA = "CA", "California"
    CO = "CO", "Colorado"
    CT = "CT", "Connecticut"
    DE = "DE", "Delaware"
    DC = "DC", "District of Columbia"
    FL = "FL", "Florida"
    GA = "GA", "Georgia"
    HI = "HI", "Hawaii"
    ID = "ID", "Idaho"
    IL = "IL", "Illinois"
    IN = "IN", "Indiana"
    IA = "IA", "Iowa"
    KS = "KS", "Kansas"
    KY = "KY", "Kentucky"
    LA = "LA", "Louisiana"
    ME = "ME", "Maine"
    MD = "MD", "Maryland"
    MA = "MA", "Massachusetts"
    MI = "MI", "Michigan"
    MN = "MN", "Minnesota"
    MS = "MS", "Mississippi"
    MO = "MO", "Missouri"
    MT = "MT", "Montana"
    NE = "NE", "Nebraska"
    NV = "NV", "Nevada"
    NH = "NH", "New Hampshire"
    NJ = "NJ", "New Jersey"
    NM = "NM", "New Mexico"
    NY = "NY", "New York"
    NC = "NC", "North Carolina"
    ND = "ND", "North Dakota"
    OH = "OH", "Ohio"
    OK = "OK", "Oklahoma"
    OR = "OR", "Oregon"
    PA = "PA", "Pennsylvania"
    RI = "RI", "Rhode Island"
    SC = "SC", "South Carolina"
    SD = "SD", "South Dakota"
    TN = "TN", "Tennessee"
    TX = "TX", "Texas"
    UT = "UT", "Utah"
    VT = "VT", "Vermont"
    VA = "VA", "Virginia"
    WA = "WA", "Washington"
    WV = "WV", "West Virginia"
    WI = "WI", "Wisconsin"
    WY = "WY", "Wyoming"
    PR = "PR", "Puerto Rico"
    GU = "GU", "Guam"
    VI = "VI", "U.S. Virgin Islands"
    AS = "AS", "American Samoa"
    MP = "MP", "Northern Mariana Islands"


EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_MILES / 180

_STATE_CODES = set(USState.values)
_STATE_BY_NAME = {str(state.label).lower(): state.value for state in USState}
_ZIP_RE = re.compile(r"^(\d{5})(?:-\d{4})?$")


@dataclass(frozen=True, slots=True)
class Place:
    """A point a search is centred on: a ZIP code's or a city's centroid."""

    label: str
    latitude: float
    longitude: float
    state: str


# The package answers from a compiled table that takes about 38 MB of a process once it is first
# asked (56 MB at the peak while it is unpacked). A worker needs five of its columns, so a child
# process (this file run as a script) asks the package once and writes them packed: ZIP as an
# integer, latitude and longitude as doubles (the package's own values), city and state as
# numbers into name lists. The file is kept under var/ (never committed) and rebuilt when the
# package's version changes.
_MAGIC = b"IOPZIP1\n"
_HEADER = struct.Struct("<III")  # rows, bytes of city names, bytes of state codes


class _ZipTable:
    """Rows in the package's order (by ZIP code): ``zips``, ``lats``, ``lons``, ``active``
    (1 or 0), ``city_ids`` into ``cities``, ``state_ids`` into ``states``."""

    __slots__ = ("zips", "lats", "lons", "active", "city_ids", "cities", "state_ids", "states")

    def __init__(self, data: bytes) -> None:
        if not data.startswith(_MAGIC):
            raise ValueError("not a packed ZIP table")
        view = memoryview(data)[len(_MAGIC) :]
        rows, names_size, states_size = _HEADER.unpack_from(view)
        view = view[_HEADER.size :]
        columns = []
        for typecode in ("i", "d", "d", "I", "B", "B"):
            column = array(typecode)
            size = rows * column.itemsize
            column.frombytes(view[:size])
            view = view[size:]
            columns.append(column)
        self.zips, self.lats, self.lons, self.city_ids, self.state_ids, self.active = columns
        self.cities = bytes(view[:names_size]).decode().split("\n")
        self.states = bytes(view[names_size : names_size + states_size]).decode().split("\n")
        if len(view) != names_size + states_size:
            raise ValueError("a packed ZIP table of the wrong size")


def _pack() -> bytes:
    """The package's rows with a usable latitude and longitude, packed for ``ZipTable``."""
    import zipcodes  # noqa: PLC0415 - only the child process loads the package's table

    zips, lats, lons = array("i"), array("d"), array("d")
    city_ids, state_ids, active = array("I"), array("B"), array("B")
    cities: dict[str, int] = {}
    states: dict[str, int] = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        zips.append(int(row["zip_code"]))
        lats.append(lat)
        lons.append(lon)
        city_ids.append(cities.setdefault(row["city"], len(cities)))
        state_ids.append(states.setdefault(row["state"], len(states)))
        active.append(1 if row.get("active", True) else 0)
    names = "\n".join(cities).encode()
    codes = "\n".join(states).encode()
    columns = b"".join(c.tobytes() for c in (zips, lats, lons, city_ids, state_ids, active))
    return _MAGIC + _HEADER.pack(len(zips), len(names), len(codes)) + columns + names + codes


_lock = threading.Lock()
_table: _ZipTable | None = None
_cities_by_state: dict[str, dict[str, Place]] = {}


def _zip_table() -> _ZipTable:
    """The packed ZIP codes, read from ``var/`` (packed there by a child process the first
    time, so this process never loads the package's own table)."""
    global _table  # noqa: PLW0603 - loaded once per process, on first use
    if _table is None:
        with _lock:
            if _table is None:
                _table = _load_table()
    return _table


def _load_table() -> _ZipTable:
    version = importlib.metadata.version("zipcodes")
    path = Path(settings.BASE_DIR) / "var" / f"zipcodes-{version}.packed"
    try:
        return _ZipTable(path.read_bytes())
    except (OSError, ValueError):
        pass
    data = subprocess.run(
        [sys.executable, "-I", __file__], capture_output=True, check=True, timeout=120
    ).stdout
    table = _ZipTable(data)
    try:  # Kept for the next process; a read-only folder only costs the next one a rebuild.
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as part:
            part.write(data)
        os.replace(part.name, path)
    except OSError:
        pass
    return table


@functools.lru_cache(maxsize=4096)
def _zip_place(zip_code: str) -> Place | None:
    table = _zip_table()
    number = int(zip_code)
    i = bisect.bisect_left(table.zips, number)
    if i == len(table.zips) or table.zips[i] != number:
        return None
    city, state = table.cities[table.city_ids[i]], table.states[table.state_ids[i]]
    return Place(f"{zip_code} ({city}, {state})", table.lats[i], table.lons[i], state)


def _cities(state: str) -> dict[str, Place]:
    """The state's cities (by normalised name) and the centroids of their active ZIP codes."""
    cities = _cities_by_state.get(state)
    if cities is not None:
        return cities
    table = _zip_table()  # before the lock, which loading the table takes too
    with _lock:
        if state not in _cities_by_state:
            points: dict[str, list[tuple[float, float]]] = {}
            names: dict[str, str] = {}
            state_id = table.states.index(state) if state in table.states else -1
            for i, found_state in enumerate(table.state_ids):
                # Retired ZIP codes still resolve on their own, but do not pull a city's centre.
                if found_state != state_id or not table.active[i]:
                    continue
                lat, lon = table.lats[i], table.lons[i]
                city = table.cities[table.city_ids[i]]
                key = _normalise_city(city)
                points.setdefault(key, []).append((lat, lon))
                names.setdefault(key, city)
            _cities_by_state[state] = {
                key: Place(
                    f"{names[key]}, {state}",
                    sum(p[0] for p in found) / len(found),
                    sum(p[1] for p in found) / len(found),
                    state,
                )
                for key, found in points.items()
            }
    return _cities_by_state[state]


def _normalise_city(city: str) -> str:
    city = re.sub(r"\s+", " ", city.strip().lower())
    # "St. Louis" and "St Louis", "Saint Louis" all mean the same city.
    return re.sub(r"^(saint|st\.?)\s", "st ", city)


def lookup_zip(zip_code: str) -> Place | None:
    """The centroid of a five-digit ZIP code (a ZIP+4 is read as its first five digits)."""
    match = _ZIP_RE.match(zip_code.strip())
    if not match:
        return None
    return _zip_place(match.group(1))


def _state_code(state: str) -> str | None:
    """The two-letter code of a state given as a code or a full name; None when not a state."""
    state = state.strip().rstrip(".").strip()
    return state.upper() if state.upper() in _STATE_CODES else _STATE_BY_NAME.get(state.lower())


def lookup_city(city: str, state: str) -> Place | None:
    """The centroid of a city's ZIP codes; the state is a two-letter code or a full name."""
    code = _state_code(state)
    if not code:
        return None
    return _cities(code).get(_normalise_city(city))


def _split_city_state(text: str) -> tuple[str, str | None]:
    """ "Charlotesville, VA" -> ("Charlotesville", "VA"); a text without a state -> (text, None)."""
    if "," in text:
        city, _, state = text.rpartition(",")
        return city.strip(), _state_code(state)
    words = text.split()
    for size in (1, 2, 3):
        if len(words) > size and (code := _state_code(" ".join(words[-size:]))):
            return " ".join(words[:-size]), code
    return text, None


def _same_name_in_states(city: str) -> list[Place]:
    """The places named ``city`` in every state that has one, by state."""
    points: dict[str, list[tuple[float, float]]] = {}
    names: dict[str, str] = {}
    # The package spells cities in title case and "Saint" in full ("Saint Louis").
    name = re.sub(r"^(st\.?|saint)\s", "saint ", city.strip().lower())
    table = _zip_table()
    wanted = " ".join(word.capitalize() for word in name.split())
    city_id = table.cities.index(wanted) if wanted in table.cities else -1
    for i, found_city in enumerate(table.city_ids):
        if found_city != city_id or not table.active[i]:
            continue
        state = table.states[table.state_ids[i]]
        points.setdefault(state, []).append((table.lats[i], table.lons[i]))
        names.setdefault(state, wanted)
    return [
        Place(
            f"{names[state]}, {state}",
            sum(p[0] for p in found) / len(found),
            sum(p[1] for p in found) / len(found),
            state,
        )
        for state, found in sorted(points.items())
    ]


def resolve(text: str) -> Place | None:
    """A place from what a person typed: a ZIP code or "City, ST". None when unknown."""
    text = (text or "").strip()
    if not text or len(text) > 100:
        return None
    if text[:1].isdigit():
        return lookup_zip(text)
    # "Charlottesville, VA", "Charlottesville, Virginia", or without the comma
    # ("New York NY", "Charleston West Virginia"): try the last one to three words as the state.
    if "," in text:
        city, _, state = text.rpartition(",")
        return lookup_city(city, state) if city.strip() else None
    words = text.split()
    for size in (1, 2, 3):
        if len(words) > size:
            place = lookup_city(" ".join(words[:-size]), " ".join(words[-size:]))
            if place:
                return place
    return None


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Places a person may have meant; ``needs_state`` when they named a city but no state."""

    places: list[Place]
    needs_state: bool = False


def suggest(text: str) -> Suggestions:
    """Places a person may have meant when ``resolve(text)`` found none: for a city and state,
    the state's cities spelt most like it ("Charlotesville, VA" -> Charlottesville, VA); for a
    city without a state, that city in each state that has one. No places when nothing is
    close."""
    text = re.sub(r"\s+", " ", (text or "").strip())
    if not text or len(text) > 100 or text[:1].isdigit():
        return Suggestions([])
    city, state = _split_city_state(text)
    if not city:
        return Suggestions([])
    if state is None:
        return Suggestions(_same_name_in_states(city), needs_state=True)
    cities = _cities(state)
    close = difflib.get_close_matches(_normalise_city(city), list(cities), n=3, cutoff=0.8)
    return Suggestions([cities[key] for key in close])


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(lat: float, lon: float, miles: float) -> BoundingBox:
    """A latitude/longitude box that contains every point within ``miles`` of (lat, lon).

    It lets the database discard far-away rows with an index before computing exact
    distances. Near a pole or across the 180th meridian it simply spans all longitudes.
    """
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # The widest point of the circle is towards the pole, so use the larger |latitude|.
    widest = max(abs(min_lat), abs(max_lat))
    cos_lat = math.cos(math.radians(widest))
    if cos_lat < 1e-6:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlon = miles / (MILES_PER_DEGREE_LATITUDE * cos_lat)
    if dlon >= 180 or lon - dlon < -180 or lon + dlon > 180:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, lon - dlon, lon + dlon)


if __name__ == "__main__":
    # The child process _load_table() runs: the packed table on standard output.
    sys.stdout.buffer.write(_pack())
