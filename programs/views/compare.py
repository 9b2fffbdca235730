"""The side-by-side comparison of two to four programs (``/compare/?p=<slug>&p=<slug>``), and
the call sheet a family prints for them (``/compare/call-sheet/?p=<slug>...``)."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from programs import fit
from programs.compare import (
    MAX_PROGRAMS,
    MIN_PROGRAMS,
    SLUG_RE,
    adding,
    build_rows,
    clean_slug,
    count_differences,
    distances_from,
    order_found,
    read_selection,
)
from programs.models import Condition, Program
from programs.models.loading import DETAIL, load_related
from programs.pagecache import cached_page
from programs.search import search_link

# Programs offered when the name typed in "Add a program" matches several.
ADD_MATCHES = 10


def _chosen(selection) -> list:
    """The selection's published programs, in its order, with what a program page shows loaded
    (flags slugs that match none: ``order_found``)."""
    if not selection.slugs:
        return []
    found = Program.objects.published().select_related("facility").filter(slug__in=selection.slugs)
    return order_found(selection, load_related(found, DETAIL))


@cached_page
def compare(request):
    selection = read_selection(request.GET)
    typed = request.GET.get("add", "").strip()[:200]
    if typed and not selection.problem:
        matches = _programs_to_add(selection, typed)
        if len(matches) == 1:
            return redirect(selection.url([*selection.slugs, matches[0].slug]))
        # Several matches, or none: the page lists them (or says so) under the add form.
        selection.adding = adding(selection, typed, matches)
    programs = _chosen(selection)
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


def _programs_to_add(selection, typed: str) -> list:
    """The published programs the add form's text names: a pasted page address or short name
    finds its program, other words search names, facilities and cities (best match first)."""
    published = Program.objects.published().exclude(slug__in=selection.slugs)
    slug = clean_slug(typed)
    exact = list(published.filter(slug=slug)) if SLUG_RE.match(slug) else []
    if exact:
        return exact
    found = published.search(typed).select_related("facility").order_by("-rank", "name", "pk")
    return list(found[:ADD_MATCHES])


# A call sheet is printed: three programs fit on two portrait pages with this many questions each.
CALL_SHEET_QUESTIONS = 5


# Not kept by the page cache: it prints today's date and its own full address.
def call_sheet(request):
    """A print-ready page for the family's chosen programs (one to four): each program's
    numbers and address, what the listing says about what they asked, and the questions to ask
    about what it does not say, with room to write the answers."""
    selection = read_selection(request.GET)
    programs = _chosen(selection)
    if not programs and not selection.problem:
        selection.problem = gettext("Choose at least one program for the call sheet.")
        selection.status = 400
    link = search_link({"search": selection.search})
    criteria = link.criteria if link else []
    conditions = list(Condition.objects.all())
    if not selection.problem:
        fit.answer(programs, criteria)
        for program in programs:
            questions = fit.questions_to_ask(program, criteria, conditions)
            program.sheet_questions = questions[:CALL_SHEET_QUESTIONS]
            program.sheet_more_questions = len(questions) - len(program.sheet_questions)
    context = {
        "selection": selection,
        "programs": programs,
        "criteria": criteria,
        "search_link": link,
        "has_demo": any(program.is_demo for program in programs),
        "printed_on": timezone.localdate(),
        "page_url": request.build_absolute_uri(),
        "compare_url": selection.url() if len(programs) > 1 else "",
    }
    return render(request, "programs/call_sheet.html", context, status=selection.status)
