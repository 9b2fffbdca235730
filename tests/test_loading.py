"""programs.models.loading: a page's related rows in a fixed handful of queries, in model order."""

import gc
import weakref

import pytest
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Modality, Population, Program
from programs.models.loading import (
    CARD,
    DETAIL,
    FACILITY_LISTS,
    PROGRAM_LISTS,
    check_lookup_orderings,
    in_chunks,
    load_related,
    loaded,
)
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db


def _rich(facility=None, **fields):
    return make_program(
        facility=facility or make_facility(payment=("self-pay", "medicaid"), languages=("asl",)),
        sessions=((3, "18:00", "21:00"), (0, "09:00", "12:00"), (0, "18:00", "21:00")),
        staff={
            "lcsw": "on_site",
            "psychiatrist": "referral",
            "peer-recovery-specialist": "on_site",
        },
        conditions={"ptsd": "on_site", "anxiety": "referral"},
        modalities=("yoga", "cbt", "twelve-step", "dbt"),
        medications=("naltrexone-oral", "buprenorphine"),
        populations=("veterans", "adults"),
        topics=("stress",),
        **fields,
    )


def _read_everything(program):
    facility = program.facility
    return {
        "sessions": [(s.weekday, s.start) for s in program.sessions.all()],
        "staff": [(r.credential.slug, r.availability) for r in program.staff_roles.all()],
        "conditions": [(c.condition.slug, c.support) for c in program.condition_support.all()],
        **{name: [item.slug for item in getattr(program, name).all()] for name in PROGRAM_LISTS},
        **{
            name: [item.slug for item in getattr(facility, name.split(".")[1]).all()]
            for name in FACILITY_LISTS
        },
    }


def _detail(programs=None):
    """Programs (all, by default) with what a program page shows, the way the views load it."""
    if programs is None:
        programs = Program.objects.select_related("facility")
    return load_related(programs, DETAIL)


def _fresh(program):
    """The same program read the plain way, one query per relation."""
    return Program.objects.select_related("facility").get(pk=program.pk)


def test_detail_data_reads_every_relation_without_further_queries(django_assert_num_queries):
    _rich()
    with django_assert_num_queries(5):
        (program,) = _detail()
    with django_assert_num_queries(0):
        facts = _read_everything(program)
    assert facts["sessions"][0][0] == 0 and len(facts["sessions"]) == 3
    assert facts["facility.languages"] == ["asl"]


def test_loaded_rows_are_the_ones_and_in_the_order_a_plain_query_gives():
    first = _rich()
    _rich(facility=first.facility)  # a second program sharing the facility
    make_program()  # one that reported nothing
    loaded = {p.pk: _read_everything(p) for p in _detail()}
    assert loaded == {p.pk: _read_everything(_fresh(p)) for p in Program.objects.all()}
    # Staff follow the credential's sort order: psychiatrist, LCSW, then peer specialist.
    assert [slug for slug, _ in loaded[first.pk]["staff"]] == [
        "psychiatrist",
        "lcsw",
        "peer-recovery-specialist",
    ]


def test_nothing_reported_loads_as_empty_lists():
    make_program()
    (program,) = _detail()
    facts = _read_everything(program)
    assert all(value == [] for value in facts.values())
    assert not program.modalities.all().exists() and program.modalities.count() == 0


def test_every_facility_copy_gets_its_lists_when_programs_share_a_facility(
    django_assert_num_queries,
):
    facility = make_facility(payment=("medicaid",))
    for _ in range(3):
        make_program(facility=facility)
    programs = load_related(Program.objects.select_related("facility"), CARD)
    with django_assert_num_queries(0):
        assert [[p.slug for p in program.facility.payment_types.all()] for program in programs] == [
            ["medicaid"]
        ] * 3


def test_filtering_loaded_rows_asks_the_database_about_that_owner_only():
    one, other = _rich(), _rich()
    (program, _second) = _detail(
        Program.objects.select_related("facility").filter(pk__in=[one.pk, other.pk])
    )
    evidence = program.modalities.filter(kind="evidence")
    assert sorted(m.slug for m in evidence) == ["cbt", "dbt"]
    assert evidence.model is Modality
    # The loaded rows are still in place afterwards.
    assert [m.slug for m in program.modalities.all()] == [
        m.slug for m in _fresh(program).modalities.all()
    ]


def test_chunked_reading_loads_each_chunk_with_the_same_number_of_queries():
    for _ in range(5):
        make_program(sessions=EVENING_MON_WED_THU, modalities=("cbt",))
    sessions = []
    with CaptureQueriesContext(connection) as queries:
        # Read as an export reads them: each program as it comes.
        for program in in_chunks(
            Program.objects.select_related("facility").order_by("pk"), DETAIL, 2
        ):
            _read_everything(program)
            sessions.append(len(program.sessions.all()))
    assert sessions == [3] * 5
    # One query for the programs, then four per chunk of two (three chunks).
    assert len(queries) == 1 + 4 * 3


def test_chunked_reading_lets_go_of_a_chunk_when_it_reads_the_next():
    for _ in range(3):
        make_program(sessions=EVENING_MON_WED_THU, facility=make_facility(languages=("asl",)))
    chunks = in_chunks(Program.objects.select_related("facility").order_by("pk"), DETAIL, 1)
    gc.disable()  # freed as soon as let go, not whenever the garbage collector comes by
    try:
        first = next(chunks)
        session = weakref.ref(loaded(first, "sessions")[0])
        language = weakref.ref(loaded(first.facility, "languages")[0])
        second = next(chunks)
        assert session() is None and language() is None
    finally:
        gc.enable()
    with CaptureQueriesContext(connection) as queries:
        assert len(loaded(second, "sessions")) == 3
    assert len(queries) == 0
    # A program kept from an earlier chunk still reads its rows, from the database.
    assert [s.weekday for s in first.sessions.all()] == [0, 2, 3]
    assert [row.slug for row in first.facility.languages.all()] == ["asl"]


def test_every_lookup_is_ordered_the_way_the_union_sorts():
    assert check_lookup_orderings() == []
    assert "programs.E001" not in {message.id for message in checks.run_checks()}


def test_a_lookup_ordered_another_way_fails_the_system_check(monkeypatch):
    monkeypatch.setattr(Population._meta, "ordering", ["-name"])
    (error,) = check_lookup_orderings()
    assert error.id == "programs.E001" and error.obj is Population
    assert "['-name']" in error.msg


def test_a_program_listed_twice_gets_its_rows_in_both_copies(django_assert_num_queries):
    program = make_program(sessions=EVENING_MON_WED_THU, modalities=("cbt",))
    copies = [Program.objects.select_related("facility").get(pk=program.pk) for _ in range(2)]
    load_related(copies, ("sessions", "modalities"))
    with django_assert_num_queries(0):
        assert [len(copy.sessions.all()) for copy in copies] == [3, 3]
        assert [[m.slug for m in copy.modalities.all()] for copy in copies] == [["cbt"], ["cbt"]]


def test_loaded_reads_the_loaded_rows_without_a_manager_and_asks_the_database_otherwise(
    django_assert_num_queries, monkeypatch
):
    _rich()
    (program,) = _detail()
    # Django builds a relation's manager on every access; loaded() must not need one.
    monkeypatch.setattr(
        type(program).populations.related_manager_cls, "__init__", _no_manager, raising=True
    )
    with django_assert_num_queries(0):
        assert [p.slug for p in loaded(program, "populations")] == ["adults", "veterans"]
        assert [p.slug for p in loaded(program.facility, "payment_types")] == [
            "medicaid",
            "self-pay",
        ]
    monkeypatch.undo()
    plain = _fresh(program)
    with django_assert_num_queries(1):
        assert sorted(p.slug for p in loaded(plain, "populations")) == ["adults", "veterans"]


def _no_manager(*args, **kwargs):
    raise AssertionError("a relation manager was built")
