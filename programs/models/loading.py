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

``ProgramQuerySet.with_card_data()`` and ``with_detail_data()`` name what to load; the queryset
calls ``load_related`` once its programs are fetched, whole or a chunk at a time.
"""

from collections import defaultdict

from django.db import connections

# Lookup lists, named from the program: "populations", or "facility.payment_types".
PROGRAM_LISTS = ("populations", "medications", "modalities", "group_topics")
FACILITY_LISTS = ("facility.payment_types", "facility.languages", "facility.accreditations")
CHILDREN = ("sessions", "staff_roles", "condition_support")


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


def _file(owner, name: str, rows) -> None:
    if not hasattr(owner, "_prefetched_objects_cache"):
        owner._prefetched_objects_cache = {}
    owner._prefetched_objects_cache[name] = LoadedRows(owner, name, rows)


def load_related(programs, names) -> None:
    """Load the relations in ``names`` (children and list paths above) for these programs,
    which must have their facility (``select_related("facility")``) when a list is on it."""
    programs = list(programs)
    if not programs or not names:
        return
    lists = [name for name in names if name not in CHILDREN]
    for name in names:
        if name in CHILDREN:
            _load_children(programs, name)
    if lists:
        _load_lists(programs, lists)


# --- Sessions, staff roles, co-occurring support -----------------------------------------------


def _load_children(programs, name: str) -> None:
    from .lookups import Condition, Credential
    from .program import ConditionSupport, Session, StaffRole

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


def _has_kind(model) -> bool:
    return any(field.name == "kind" for field in model._meta.concrete_fields)


def _lookup(model, using: str, pk: int, slug: str, name: str, kind: str):
    """A lookup row from the columns the unions read (the kind only for modalities)."""
    if _has_kind(model):
        return model.from_db(using, ["id", "slug", "name", "kind"], [pk, slug, name, kind])
    return model.from_db(using, ["id", "slug", "name"], [pk, slug, name])


# The union is sorted by kind and name: that must be each list lookup's own ordering.
LIST_ORDERINGS = (["name"], ["kind", "name"])


def _select(index: int, field, owner_ids, quote) -> str:
    """One branch of the union: (list index, owner id, lookup id, slug, name, kind)."""
    if field.related_model._meta.ordering not in LIST_ORDERINGS:
        raise ValueError(f"{field.related_model.__name__} must be ordered by kind and/or name.")
    through = field.remote_field.through._meta
    lookup = field.related_model._meta
    owner_column = through.get_field(field.m2m_field_name()).column
    lookup_column = through.get_field(field.m2m_reverse_field_name()).column
    # Only modalities have a kind; the other branches fill the column with an empty string.
    kind = f"l.{quote('kind')}" if _has_kind(field.related_model) else "''"
    placeholders = ", ".join(["%s"] * len(owner_ids))
    return (
        f"SELECT {index}, t.{quote(owner_column)}, l.{quote('id')}, l.{quote('slug')}, "
        f"l.{quote('name')}, {kind} "
        f"FROM {quote(through.db_table)} t "
        f"JOIN {quote(lookup.db_table)} l ON l.{quote('id')} = t.{quote(lookup_column)} "
        f"WHERE t.{quote(owner_column)} IN ({placeholders})"
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
    # By list, owner, then the lookups' own order (kind, then name), sorted by the database
    # so that its collation decides, as it would for a prefetch.
    sql = (
        " UNION ALL ".join(
            _select(index, field, ids[on_facility], connection.ops.quote_name)
            for index, (on_facility, _name, field) in enumerate(relations)
        )
        + " ORDER BY 1, 2, 6, 5"
    )
    params = [pk for on_facility, _name, _field in relations for pk in ids[on_facility]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    # Each lookup row is built once, however many owners list it.
    built = {}
    listed = defaultdict(list)
    for index, owner_id, lookup_id, slug, name, kind in rows:
        item = built.get((index, lookup_id))
        if item is None:
            model = relations[index][2].related_model
            item = built[(index, lookup_id)] = _lookup(model, using, lookup_id, slug, name, kind)
        listed[(index, owner_id)].append(item)

    for index, (on_facility, name, _field) in enumerate(relations):
        for owner_id, owner in owners[on_facility]:
            _file(owner, name, listed.get((index, owner_id), []))


# --- Whole lookup tables (the search form's choices) ----------------------------------------------


# What the union below sorts by (sort order, then kind, then name) covers these orderings.
TABLE_ORDERINGS = (["name"], ["kind", "name"], ["sort_order", "name"])


def load_lookup_tables(models) -> dict:
    """Every row of each of these lookup tables, in each model's own order, with one query:
    ``{model: [rows]}``. Rows carry id, slug and name (and kind, for modalities)."""
    models = list(models)
    connection = connections["default"]
    quote = connection.ops.quote_name
    branches = []
    for index, model in enumerate(models):
        fields = {field.name for field in model._meta.concrete_fields}
        if model._meta.ordering not in TABLE_ORDERINGS:
            raise ValueError(f"{model.__name__} must be ordered by sort order, kind and/or name.")
        kind = quote("kind") if "kind" in fields else "''"
        sort_order = quote("sort_order") if "sort_order" in fields else "0"
        branches.append(
            f"SELECT {index}, {quote('id')}, {quote('slug')}, {quote('name')}, {kind}, "
            f"{sort_order} FROM {quote(model._meta.db_table)}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches) + " ORDER BY 1, 6, 5, 4")
        rows = cursor.fetchall()
    tables = {model: [] for model in models}
    for index, pk, slug, name, kind, _sort_order in rows:
        tables[models[index]].append(_lookup(models[index], "default", pk, slug, name, kind))
    return tables
