"""Loading what a page shows about many programs in a handful of queries.

Django's ``prefetch_related`` spends one query per relation, builds a fresh object for every
row of every lookup (the same "Medicaid" hundreds of times in a CSV export) and sets the
reverse link on each, which made the export of 500 programs take seconds. Here:

* a program's **sessions**, **staff roles** and **co-occurring support** are read with one
  query each, the credential or condition joined in and built once per distinct row;
* every **lookup list** asked for (payment, languages, populations, modalities...), of the
  programs and of their facilities, is read with a single ``UNION ALL`` query of the
  many-to-many tables joined to their lookup rows;
* each owner's rows are filed where its relation manager looks for prefetched rows, so
  ``program.sessions.all()`` or ``facility.languages.all()`` (templates, serializers, the
  comparison, intake questions) read them without a query, in the model's own order.

A view fetches its programs (with ``select_related("facility")``) and then says what it shows:
``load_related(programs, DETAIL)`` for a page of programs, ``in_chunks(queryset, DETAIL)`` for
an export read a chunk at a time. ``CARD``, ``FIT`` and ``DETAIL`` name what a result card, a
card with its answers to a search, and a program page (the comparison, the CSV, the APIs) show.

The lookup lists are read as five shared columns sorted by the database, which covers the
orderings in ``LOOKUP_ORDERINGS``; ``check_lookup_orderings`` (a system check, run by
``manage.py check``, ``migrate`` and the test suite) refuses a lookup model ordered otherwise.
"""

from collections import defaultdict
from itertools import batched

from django.apps import apps
from django.core import checks
from django.db import connections

from .lookups import Condition, Credential, Lookup
from .program import ConditionSupport, Program, Session, StaffRole

# Lookup lists, named from the program: "populations", or "facility.payment_types".
PROGRAM_LISTS = ("populations", "medications", "modalities", "group_topics")
FACILITY_LISTS = ("facility.payment_types", "facility.languages", "facility.accreditations")
LISTS = (*PROGRAM_LISTS, *FACILITY_LISTS)
CHILDREN = ("sessions", "staff_roles", "condition_support")

# What each kind of page shows.
CARD = ("sessions", "staff_roles", "facility.payment_types")
FIT = (*CARD, "condition_support")
DETAIL = (*FIT, *PROGRAM_LISTS, *FACILITY_LISTS)


class LoadedRows(list):
    """One owner's rows of one relation, already read.

    Reading them (iterating, ``len``, truth, ``count()``, ``exists()``, indexing) costs no
    query. Anything else a queryset offers (``filter``, ``order_by``...) is handed to the
    relation's own queryset, which asks the database, as a prefetched queryset would.
    """

    __slots__ = ("_owner", "_name")

    def __init__(self, owner, name: str, rows):
        super().__init__(rows)
        self._owner, self._name = owner, name

    def all(self):
        return self

    def count(self) -> int:
        return len(self)

    def exists(self) -> bool:
        return bool(self)

    def __getattr__(self, attribute):
        cache = self._owner._prefetched_objects_cache
        cache.pop(self._name, None)
        try:
            queryset = getattr(self._owner, self._name).get_queryset()
        finally:
            cache[self._name] = self
        return getattr(queryset, attribute)


def loaded(owner, name: str):
    """``getattr(owner, name).all()`` without building the relation's manager when the rows
    were loaded here: Django makes a new manager on every access (about 40 microseconds),
    and an API page of 100 programs or a CSV of 5,000 reads some 30 relations a program."""
    cache = getattr(owner, "_prefetched_objects_cache", None)
    if cache is not None and name in cache:
        return cache[name]
    return getattr(owner, name).all()


def _file(owner, name: str, rows) -> None:
    if not hasattr(owner, "_prefetched_objects_cache"):
        owner._prefetched_objects_cache = {}
    owner._prefetched_objects_cache[name] = LoadedRows(owner, name, rows)


def load_related(programs, names) -> list:
    """Load the relations in ``names`` (``CARD``, ``FIT``, ``DETAIL``, or children and list
    paths above) for these programs, which must have their facility
    (``select_related("facility")``) when a list is on it. Returns the programs as a list."""
    programs = list(programs)
    if not programs or not names:
        return programs
    # Each relation once: DETAIL names the facility's payment types twice (CARD and the
    # facility's lists), which read them twice in the union.
    names = tuple(dict.fromkeys(names))
    lists = [name for name in names if name not in CHILDREN]
    for name in names:
        if name in CHILDREN:
            _load_children(programs, name)
    if lists:
        _load_lists(programs, lists)
    return programs


def in_chunks(queryset, names, chunk_size: int = 2000):
    """The programs of ``queryset``, read from the database ``chunk_size`` at a time, each chunk
    with ``names`` loaded: the queries depend on the number of chunks, not of programs.

    What a chunk loaded is let go when the next chunk is read, so an export holds one chunk
    however long it is (a program kept from an earlier chunk reads its relations from the
    database again)."""
    for chunk in batched(queryset.iterator(chunk_size=chunk_size), chunk_size):
        programs = load_related(chunk, names)
        yield from programs
        _unload(programs)


def _unload(programs) -> None:
    """Drop the rows filed on these programs and their facilities. Each row list points back at
    its owner and each child at its program: cycles that only the garbage collector's rare full
    passes would free, long after the chunk is written."""
    for program in programs:
        program.__dict__.pop("_prefetched_objects_cache", None)
        facility = program._state.fields_cache.get("facility")
        if facility is not None:
            facility.__dict__.pop("_prefetched_objects_cache", None)


# --- Sessions, staff roles, co-occurring support -----------------------------------------------


def _load_children(programs, name: str) -> None:
    by_id = {program.pk: program for program in programs}
    using = programs[0]._state.db or "default"
    rows = defaultdict(list)
    if name == "sessions":
        model = Session
        found = model.objects.using(using).filter(program_id__in=by_id)
        for session in found.order_by("program_id", *model._meta.ordering):
            rows[session.program_id].append(session)
    else:
        model, lookup_model, lookup_name = (
            (StaffRole, Credential, "credential")
            if name == "staff_roles"
            else (ConditionSupport, Condition, "condition")
        )
        own = [f.attname for f in model._meta.concrete_fields]
        joined = [f.attname for f in lookup_model._meta.concrete_fields]
        # In the model's own order (through the lookup: credential sort order, condition name),
        # sorted by the database so that its collation decides, as it would without us.
        values = (
            model.objects.using(using)
            .filter(program_id__in=by_id)
            .order_by("program_id", *model._meta.ordering)
            .values_list(*own, *[f"{lookup_name}__{column}" for column in joined])
        )
        lookup_field = model._meta.get_field(lookup_name)
        shared = {}
        for value in values:
            child = model.from_db(using, own, value[: len(own)])
            lookup_values = value[len(own) :]
            lookup = shared.get(lookup_values[0])
            if lookup is None:
                lookup = shared[lookup_values[0]] = lookup_model.from_db(
                    using, joined, lookup_values
                )
            lookup_field.set_cached_value(child, lookup)
            rows[child.program_id].append(child)
    program_field = model._meta.get_field("program")
    for program_id, program in by_id.items():
        for child in rows.get(program_id, ()):
            program_field.set_cached_value(child, program)
    # Every instance in the list, should one program appear twice.
    for program in programs:
        _file(program, name, rows.get(program.pk, []))


# --- Lookup lists -------------------------------------------------------------------------------


def _relation(program_model, path: str):
    """(owner is the facility?, attribute name, many-to-many field) for a list path."""
    on_facility, _, name = path.rpartition(".")
    model = (
        program_model._meta.get_field("facility").related_model if on_facility else program_model
    )
    return bool(on_facility), name, model._meta.get_field(name)


# Both unions below read a lookup row as the same columns and let the database sort them
# by sort order, kind and name (a column a model lacks reads as a constant), which covers
# every lookup's own Meta.ordering.
LOOKUP_ORDERINGS = (["name"], ["kind", "name"], ["sort_order", "name"])
_LOOKUP_COLUMNS = ("id", "slug", "name", "name_es", "kind", "sort_order")
_ABSENT = {"kind": "''", "sort_order": "0"}


def _lookup_models() -> set:
    """Every model the unions read rows of: each list's lookup, and every lookup table."""
    found = {_relation(Program, path)[2].related_model for path in LISTS}
    return found | {model for model in apps.get_models() if issubclass(model, Lookup)}


def check_lookup_orderings(app_configs=None, **kwargs) -> list:
    """System check: the unions sort lookup rows by sort order, kind and name, so a lookup model
    ordered any other way would be listed out of its own order."""
    return [
        checks.Error(
            f"{model.__name__} is ordered by {model._meta.ordering!r}; the loader reads lookup "
            "rows sorted by sort order, kind and name.",
            hint=f"Order it by one of {', '.join(map(repr, LOOKUP_ORDERINGS))}, or teach "
            "programs/models/loading.py the new ordering.",
            obj=model,
            id="programs.E001",
        )
        for model in sorted(_lookup_models(), key=lambda model: model.__name__)
        if model._meta.ordering not in LOOKUP_ORDERINGS
    ]


def _lookup_columns(model, quote, alias: str) -> str:
    """The lookup columns of ``model``'s table (named ``alias``), for a union branch."""
    present = {field.column for field in model._meta.concrete_fields}
    return ", ".join(
        f"{alias}.{quote(column)}" if column in present else _ABSENT[column]
        for column in _LOOKUP_COLUMNS
    )


def _lookup_order(first: int) -> str:
    """ORDER BY for lookup columns that start at position ``first``: sort order, kind, name."""
    position = {column: first + i for i, column in enumerate(_LOOKUP_COLUMNS)}
    return ", ".join(str(position[column]) for column in ("sort_order", "kind", "name"))


def _lookup(model, using: str, values):
    """A lookup row from the columns the unions read (only those the model has)."""
    present = {field.attname for field in model._meta.concrete_fields}
    names = [column for column in _LOOKUP_COLUMNS if column in present]
    row = dict(zip(_LOOKUP_COLUMNS, values, strict=True))
    return model.from_db(using, names, [row[name] for name in names])


def _select(index: int, field, owners: str, quote) -> str:
    """One branch of the union: (list index, owner id, the lookup columns) of the owners that
    ``owners`` matches (``IN (%s, ...)``, or ``= ANY(%s)`` on PostgreSQL)."""
    through = field.remote_field.through._meta
    lookup = field.related_model._meta
    owner_column = through.get_field(field.m2m_field_name()).column
    lookup_column = through.get_field(field.m2m_reverse_field_name()).column
    return (
        f"SELECT {index}, t.{quote(owner_column)}, "
        f"{_lookup_columns(field.related_model, quote, 'l')} "
        f"FROM {quote(through.db_table)} t "
        f"JOIN {quote(lookup.db_table)} l ON l.{quote('id')} = t.{quote(lookup_column)} "
        f"WHERE t.{quote(owner_column)} {owners}"
    )


def _load_lists(programs, paths) -> None:
    using = programs[0]._state.db or "default"
    connection = connections[using]
    relations = [_relation(type(programs[0]), path) for path in paths]
    # Programs of one facility each carry their own copy of it (select_related), so owners are
    # (id, instance) pairs rather than one instance per id.
    owners = {
        False: [(program.pk, program) for program in programs],
        True: [(program.facility_id, program.facility) for program in programs],
    }
    ids = {key: sorted({pk for pk, _owner in pairs}) for key, pairs in owners.items()}
    # PostgreSQL takes each branch's ids as one array parameter: seven lists of a hundred
    # placeholders each took it longer to plan (2 to 7 ms) than to run.
    as_array = connection.vendor == "postgresql"

    def owners_of(on_facility: bool) -> str:
        return "= ANY(%s)" if as_array else f"IN ({', '.join(['%s'] * len(ids[on_facility]))})"

    # By list, owner, then the lookups' own order, sorted by the database so that its
    # collation decides, as it would for a prefetch.
    sql = (
        " UNION ALL ".join(
            _select(index, field, owners_of(on_facility), connection.ops.quote_name)
            for index, (on_facility, _name, field) in enumerate(relations)
        )
        + f" ORDER BY 1, 2, {_lookup_order(3)}"
    )
    if as_array:
        params = [ids[on_facility] for on_facility, _name, _field in relations]
    else:
        params = [pk for on_facility, _name, _field in relations for pk in ids[on_facility]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    # Each lookup row is built once, however many owners list it.
    built = {}
    listed = defaultdict(list)
    for index, owner_id, *values in rows:
        item = built.get((index, values[0]))
        if item is None:
            model = relations[index][2].related_model
            item = built[(index, values[0])] = _lookup(model, using, values)
        listed[(index, owner_id)].append(item)

    for index, (on_facility, name, _field) in enumerate(relations):
        for owner_id, owner in owners[on_facility]:
            _file(owner, name, listed.get((index, owner_id), []))


# --- Whole lookup tables (the search form's choices) ----------------------------------------------


def load_lookup_tables(models) -> dict:
    """Every row of each of these lookup tables, in each model's own order, with one query:
    ``{model: [rows]}``."""
    models = list(models)
    connection = connections["default"]
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {index}, {_lookup_columns(model, quote, quote(model._meta.db_table))} "
        f"FROM {quote(model._meta.db_table)}"
        for index, model in enumerate(models)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 1, {_lookup_order(2)}")
        rows = cursor.fetchall()
    tables = {model: [] for model in models}
    for index, *values in rows:
        tables[models[index]].append(_lookup(models[index], "default", values))
    return tables
