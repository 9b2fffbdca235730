"""The HSDS tabular export: one CSV file per HSDS table, described by ``datapackage.json``.

The rows are the API's own objects (``programs.hsds.serializers``) flattened: a service's
phones, schedules, languages, cost options and attributes go to their tables with the link
column (``service_id``...) they already carry. Programs are read in chunks of ``CHUNK_SIZE``
with their related rows (``in_chunks(programs, DETAIL)``), ordered by facility so that each
organization and its location are written once, when its first program comes by; every row is
written as soon as it is built, so memory stays bounded whatever the number of listings.
"""

import csv
import json
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from programs.models import Program
from programs.models.loading import DETAIL, in_chunks

from . import serializers, taxonomy

CHUNK_SIZE = 500


@dataclass(frozen=True)
class Table:
    name: str  # the HSDS object, e.g. "service"
    path: str  # its file, as the specification names it
    columns: tuple[str, ...]  # the specification's columns, in its order


TABLES = (
    Table(
        "organization",
        "organizations.csv",
        ("id", "name", "alternate_name", "description", "email", "website", "tax_status",
         "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
    ),
    Table(
        "location",
        "locations.csv",
        ("id", "location_type", "url", "organization_id", "name", "alternate_name",
         "description", "transportation", "latitude", "longitude", "external_identifier",
         "external_identifier_type"),
    ),
    Table(
        "address",
        "addresses.csv",
        ("id", "location_id", "attention", "address_1", "address_2", "city", "region",
         "state_province", "postal_code", "country", "address_type"),
    ),
    Table(
        "phone",
        "phones.csv",
        ("id", "location_id", "service_id", "organization_id", "contact_id",
         "service_at_location_id", "number", "extension", "type", "description"),
    ),
    Table(
        "service",
        "services.csv",
        ("id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
         "email", "status", "interpretation_services", "application_process",
         "fees_description", "wait_time", "fees", "accreditations", "eligibility_description",
         "minimum_age", "maximum_age", "assured_date", "assurer_email", "licenses", "alert",
         "last_modified"),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        ("id", "service_id", "location_id", "description"),
    ),
    Table(
        "schedule",
        "schedules.csv",
        ("id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to",
         "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday",
         "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at",
         "schedule_link", "attending_type", "notes"),
    ),
    Table(
        "language",
        "languages.csv",
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    ),
    Table(
        "cost_option",
        "cost_options.csv",
        ("id", "service_id", "valid_from", "valid_to", "option", "currency", "amount",
         "amount_description"),
    ),
    Table(
        "attribute",
        "attributes.csv",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
    ),
    Table("taxonomy", "taxonomies.csv", ("id", "name", "description", "uri", "version")),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        ("id", "code", "name", "description", "parent_id", "taxonomy", "language",
         "taxonomy_id", "term_uri"),
    ),
)  # fmt: skip
TABLE_BY_NAME = {table.name: table for table in TABLES}
# Where an object's nested lists go.
NESTED = {
    "organization_identifiers": "organization_identifier",
    "locations": "location",
    "addresses": "address",
    "phones": "phone",
    "service_at_locations": "service_at_location",
    "schedules": "schedule",
    "languages": "language",
    "cost_options": "cost_option",
    "attributes": "attribute",
}
NUMBER_COLUMNS = {"latitude", "longitude", "year_incorporated", "extension", "minimum_age",
                  "maximum_age", "timezone", "count", "interval", "amount"}  # fmt: skip
UUID_COLUMNS = {"id", "organization_id", "parent_organization_id", "program_id", "location_id",
                "service_id", "contact_id", "service_at_location_id", "phone_id", "link_id",
                "taxonomy_term_id", "parent_id", "taxonomy_id"}  # fmt: skip


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Writers:
    """One open CSV writer per table, counting rows."""

    def __init__(self, directory: Path):
        self.files = {
            table.name: (directory / table.path).open("w", newline="", encoding="utf-8")
            for table in TABLES
        }
        self.writers = {name: csv.writer(file) for name, file in self.files.items()}
        self.counts = dict.fromkeys(self.files, 0)
        # Each table's row writer and columns, looked up once per row.
        self.rows = {
            table.name: (self.writers[table.name].writerow, table.columns) for table in TABLES
        }
        for table in TABLES:
            self.writers[table.name].writerow(table.columns)

    def write(self, name: str, data: dict) -> None:
        """``data`` as a row of its table, and its nested lists into theirs. The csv module
        writes None as an empty cell and anything else as ``str()`` of it (a float as its
        ``repr()``, the same text)."""
        writerow, columns = self.rows[name]
        writerow(map(data.get, columns))
        self.counts[name] += 1
        for key, children in data.items():
            if key in NESTED:
                for child in children:
                    self.write(NESTED[key], child)

    def close(self) -> None:
        for file in self.files.values():
            file.close()


def _field(column: str) -> dict:
    if column in NUMBER_COLUMNS:
        return {"name": column, "type": "number"}
    if column == "last_modified":
        return {"name": column, "type": "datetime"}
    if column in UUID_COLUMNS:
        return {"name": column, "type": "string", "format": "uuid"}
    return {"name": column, "type": "string"}


def datapackage() -> dict:
    """The package's description: every table, its file and its columns."""
    return {
        "name": "iop-finder-hsds",
        "title": "IOP Finder listings in HSDS 3.0",
        "profile": "tabular-data-package",
        "created": timezone.now().isoformat(),
        "resources": [
            {
                "name": table.name,
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [_field(column) for column in table.columns],
                    "primaryKey": "id",
                },
            }
            for table in TABLES
        ],
    }


def export(directory: Path, *, base_url: str = "") -> Report:
    """Write every published listing into ``directory`` (created if needed) as HSDS tables."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    writers = _Writers(directory)
    try:
        programs = (
            Program.objects.published().select_related("facility").order_by("facility_id", "pk")
        )
        facility_id = None
        for program in in_chunks(programs, DETAIL, CHUNK_SIZE):
            if program.facility_id != facility_id:
                facility_id = program.facility_id
                writers.write("organization", serializers.organization_data(program.facility))
            writers.write("service", serializers.service_data(program, base_url=base_url))
        for tax in taxonomy.TAXONOMIES:
            writers.write("taxonomy", taxonomy.taxonomy_data(tax))
        for term in taxonomy.all_terms():
            writers.write("taxonomy_term", taxonomy.term_data(term))
    finally:
        writers.close()
    (directory / "datapackage.json").write_text(
        json.dumps(datapackage(), indent=2) + "\n", encoding="utf-8"
    )
    return Report(rows=dict(writers.counts), seconds=time.perf_counter() - started)


def write_zip(directory: Path, target: Path) -> None:
    """Pack the tables and ``datapackage.json`` of ``directory`` into the zip file ``target``,
    written beside it first and moved into place, so a download never gets half a file."""
    names = [table.path for table in TABLES] + ["datapackage.json"]
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(directory / name, arcname=name)
    partial.replace(target)
