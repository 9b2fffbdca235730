"""programs.geo: ZIP and city lookup from the bundled data, distances and bounding boxes."""

import pytest

from programs import geo


def test_zip_code_resolves_to_its_centroid_and_state():
    place = geo.resolve("22903")
    assert place is not None
    assert (place.latitude, place.longitude) == pytest.approx((38.0339, -78.4924))
    assert place.state == "VA"
    assert "Charlottesville" in place.label


def test_zip_plus_four_reads_as_its_first_five_digits():
    assert geo.resolve("22903-1234") == geo.resolve("22903")


@pytest.mark.parametrize("text", ["99999", "2290", "229031", "00000", "abcde", "", "   "])
def test_unknown_or_malformed_zip_resolves_to_nothing(text):
    assert geo.resolve(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Charlottesville, VA",
        "charlottesville, va",
        "CHARLOTTESVILLE VA",
        "Charlottesville, Virginia",
    ],
)
def test_city_and_state_resolve_case_insensitively(text):
    place = geo.resolve(text)
    assert place is not None
    assert place.state == "VA"
    assert place.label == "Charlottesville, VA"
    # The centroid of the city's ZIP codes lies within a few miles of downtown.
    assert geo.haversine_miles(place.latitude, place.longitude, 38.0293, -78.4767) < 5


def test_city_names_with_spaces_and_saint_abbreviations_resolve():
    assert geo.resolve("New York NY").state == "NY"
    assert geo.resolve("Charleston West Virginia").state == "WV"
    assert geo.resolve("St. Louis, MO") == geo.resolve("Saint Louis, MO")


def test_same_city_name_in_two_states_resolves_to_the_right_one():
    maine, oregon = geo.resolve("Portland, ME"), geo.resolve("Portland, OR")
    assert maine.state == "ME" and oregon.state == "OR"
    assert (
        geo.haversine_miles(maine.latitude, maine.longitude, oregon.latitude, oregon.longitude)
        > 2000
    )


@pytest.mark.parametrize("text", ["Springfield", ", VA", "Nowhere, VA", "Charlottesville, XX"])
def test_unknown_city_or_state_resolves_to_nothing(text):
    assert geo.resolve(text) is None


def test_a_states_cities_are_indexed_once_and_reused():
    geo.resolve("Charlottesville, VA")
    virginia = geo._cities("VA")
    assert geo._cities("VA") is virginia
    assert "charlottesville" in virginia and "richmond" in virginia


def test_a_zip_code_answer_is_cached():
    geo._zip_place.cache_clear()
    geo.resolve("22903")
    geo.resolve("22903-0001")
    assert geo._zip_place.cache_info().hits == 1


def test_haversine_matches_known_distance():
    # Charlottesville to Richmond is about 66 miles as the crow flies.
    assert geo.haversine_miles(38.0293, -78.4767, 37.5407, -77.4360) == pytest.approx(66, abs=2)
    assert geo.haversine_miles(38.0, -78.0, 38.0, -78.0) == 0


def test_bounding_box_contains_every_point_on_the_circle():
    lat, lon, miles = 45.0, -100.0, 50
    box = geo.bounding_box(lat, lon, miles)
    # Points due north, south, east and west at the radius lie inside the box.
    dlat = miles / geo.MILES_PER_DEGREE_LATITUDE
    assert box.min_lat <= lat - dlat and box.max_lat >= lat + dlat
    for lon_offset in (-1.0, 1.0):
        step = 0.001
        east = lon
        while geo.haversine_miles(lat, lon, lat, east) < miles:
            east += lon_offset * step
        assert box.min_lon <= east <= box.max_lon


def test_bounding_box_excludes_far_points():
    box = geo.bounding_box(38.0, -78.0, 25)
    assert not box.min_lat <= 39.0 <= box.max_lat
    assert not box.min_lon <= -77.0 <= box.max_lon


def test_bounding_box_near_pole_or_date_line_spans_all_longitudes():
    assert (geo.bounding_box(89.9, 0, 50).min_lon, geo.bounding_box(89.9, 0, 50).max_lon) == (
        -180.0,
        180.0,
    )
    near_date_line = geo.bounding_box(52.0, 179.9, 25)
    assert (near_date_line.min_lon, near_date_line.max_lon) == (-180.0, 180.0)


# --- Suggestions for a place we could not find (issue 18) ----------------------------------


def test_misspelt_city_suggests_the_city_of_that_state_spelt_most_like_it():
    assert geo.resolve("Charlotesville, VA") is None
    suggestions = geo.suggest("Charlotesville, VA")
    assert not suggestions.needs_state
    assert suggestions.places[0] == geo.resolve("Charlottesville, VA")
    assert all(place.state == "VA" for place in suggestions.places)


def test_city_without_state_lists_each_state_that_has_it():
    assert geo.resolve("Charlottesville") is None
    suggestions = geo.suggest("charlottesville")
    assert suggestions.needs_state
    assert [place.label for place in suggestions.places] == [
        "Charlottesville, IN",
        "Charlottesville, VA",
    ]
    # The same centre as the city found with its state.
    assert suggestions.places[1] == geo.resolve("Charlottesville, VA")
    assert [p.state for p in geo.suggest("St. Louis").places] == ["MI", "MO", "OK"]


@pytest.mark.parametrize("text", ["Xyzzy, VA", "Qqqqqq", "", "22903", "x" * 101, ", VA"])
def test_nothing_is_suggested_when_nothing_is_close(text):
    assert geo.suggest(text).places == []
