"""The side-by-side comparison of two to four programs (``/compare/?p=<slug>&p=<slug>``)."""

from django.shortcuts import render

from programs import fit
from programs.compare import (
    MAX_PROGRAMS,
    MIN_PROGRAMS,
    build_rows,
    count_differences,
    distances_from,
    order_found,
    read_selection,
)
from programs.filters import search_link
from programs.models import Condition, Program
from programs.models.loading import DETAIL, load_related
from programs.pagecache import cached_page


@cached_page
def compare(request):
    selection = read_selection(request.GET)
    programs = []
    if selection.slugs:
        found = (
            Program.objects.published().select_related("facility").filter(slug__in=selection.slugs)
        )
        found = load_related(found, DETAIL)
        programs = order_found(selection, found)
    context = {
        "selection": selection,
        "programs": programs,
        "min_programs": MIN_PROGRAMS,
        "max_programs": MAX_PROGRAMS,
        "has_demo": any(program.is_demo for program in programs),
    }
    link = search_link({"search": selection.search})
    context["search_link"] = link
    context["search_query"] = link.query if link else ""
    if not selection.problem and len(programs) >= MIN_PROGRAMS:
        located = distances_from(selection.near, programs) if selection.near else None
        criteria = link.criteria if link else []
        fit.answer(programs, criteria)
        groups = build_rows(
            programs,
            Condition.objects.all(),
            distances=located[1] if located else None,
            criteria=criteria,
        )
        context.update(
            groups=groups,
            differences=count_differences(groups),
            place=located[0] if located else "",
            near_unknown=bool(selection.near) and located is None,
            columns=[
                (program, selection.url([s for s in selection.slugs if s != program.slug]))
                for program in programs
            ],
        )
    return render(request, "programs/compare.html", context, status=selection.status)
