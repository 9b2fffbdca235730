"""`/programs/export.csv`: the current search as a spreadsheet, every page of it.

The query string is the results page's own, read by the same ``ProgramSearch`` on the same
``published()`` programs, so the file holds exactly the programs the page lists, in its order.
Rows are streamed, and read from the database in chunks with their related facts loaded
per chunk: the number of queries depends on the number of chunks, not of programs.

The first chunk is read before the answer starts, so a database that is away answers 503
(``programs.middleware.DatabaseUnavailableMiddleware``) rather than 200 with a header alone. A
stream the database cuts later ends with a ``CUT_SHORT`` line and then breaks off the transfer,
so neither the file nor the browser's download looks complete (README, "Taking results away").
"""

import csv
import logging
from itertools import chain

from django.db import DatabaseError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_safe

from programs.models import Program
from programs.models.loading import DETAIL, in_chunks
from programs.search import ProgramSearch
from programs.serializers import CsvTable

CHUNK_SIZE = 500
# The last line of a file the database cut short, in the file's language like its headings:
# it is written for the person who opens the file (a program cannot miss the broken transfer).
CUT_SHORT = gettext_lazy("THIS FILE IS INCOMPLETE: the export was cut short. Download it again.")

logger = logging.getLogger(__name__)


class _Echo:
    """A file-like object whose write() hands back the line, for csv.writer when streaming."""

    def write(self, value):
        return value


@require_safe
def export_csv(request):
    programs = ProgramSearch(
        request.GET, queryset=Program.objects.published().select_related("facility")
    )
    if programs.errors:
        problems = "\n".join(
            f"- {programs.filters[name].label if name in programs.filters else name}: "
            + " ".join(messages)
            for name, messages in programs.errors.items()
        )
        return HttpResponse(
            gettext("We could not understand part of this search, so there is nothing to download.")
            + f"\n{problems}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )

    base_url = request.build_absolute_uri("/").rstrip("/")
    writer = csv.writer(_Echo())
    found = in_chunks(programs.qs, DETAIL, CHUNK_SIZE)
    first = next(found, None)  # reads the database now, before the answer is committed to
    # The rows are written after this view returns, when the server reads the stream: in the
    # page's language (/es/programs/export.csv has Spanish headings and words), held here.
    language = translation.get_language()

    def lines():
        with translation.override(language):
            table = CsvTable(
                base_url=base_url,
                with_distance=programs.place is not None,
                criteria=programs.criteria,
            )
            # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
            yield "\ufeff" + writer.writerow(table.header())
            try:
                for program in chain([first] if first is not None else [], found):
                    yield writer.writerow(table.row(program))
            except DatabaseError:
                logger.exception("The CSV export was cut short: %s", request.path)
                yield writer.writerow([str(CUT_SHORT)])
                raise  # the server then breaks off the transfer instead of ending it cleanly

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"iop-finder-programs-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
