"""The home page and the results list.

A results page whose query string we cannot understand (an unknown ZIP code, a radius that is
not offered, a choice that does not exist) answers 400 with the form, a message next to the
field and no results: showing programs for a question we did not understand would mislead.
A page number past the end shows the last page; one that is not a number shows the first.
"""

from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from programs import fit, geo
from programs.filters import DEFAULT_RADIUS, SORT_CHOICES
from programs.models import Program
from programs.models.loading import FIT, load_related
from programs.pagecache import cached_page
from programs.search import ProgramSearch

PER_PAGE = 20


@cached_page
def home(request):
    return render(request, "programs/home.html", {"form": ProgramSearch(request=request).form})


@cached_page
def program_list(request):
    programs = ProgramSearch(
        request.GET,
        queryset=Program.objects.published().select_related("facility"),
        request=request,
    )
    page = programs.paginator(PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = load_related(page.object_list, FIT)
    has_errors = bool(programs.errors)
    criteria = programs.criteria
    fit.prepare(page.object_list, criteria, programs.fit_counts(), page.start_index())
    sort_labels = dict(SORT_CHOICES)
    chips = programs.active_filters()
    panel_filter_count = sum(chip.name not in ("near", "q") for chip in chips)
    context = {
        "filter": programs,
        "form": programs.form,
        "page": page,
        "place": programs.place,
        "chips": chips,
        # Place and words sit above the panel; the panel's summary counts the rest.
        "panel_filter_count": panel_filter_count,
        "search_fold": [] if has_errors else fold_summary(request.GET, panel_filter_count),
        "sort": programs.sort_key,
        "sort_label": sort_labels.get(programs.sort_key, ""),
        "sorts": [(key, sort_labels[key]) for key in programs.sort_options],
        "has_errors": has_errors,
        "shows_demo": any(program.is_demo for program in page.object_list),
        "criteria": criteria,
        # Carried to program pages and comparisons so they know what was asked.
        "search_query": request.GET.urlencode(),
        "asked": {chosen.criterion.param for chosen in criteria},
        "has_must": any(chosen.must for chosen in criteria),
        "fit_counts": programs.fit_counts(),
        "shows_misfits": programs.shows_misfits,
        "group_titles": fit.GROUP_TITLES,
        # The search without its must-haves, for the form that sets them again.
        "kept_params": [
            (name, value)
            for name, values in request.GET.lists()
            for value in values
            if name not in ("must", "page")
        ],
    }
    if "near" in programs.form.errors:
        context["place_suggestions"] = geo.suggest(request.GET.get("near", ""))
    if not has_errors and not page.object_list:
        context["relaxations"] = programs.relaxations()
    return render(request, "programs/list.html", context, status=400 if has_errors else 200)


def fold_summary(query, filter_count: int) -> list[str]:
    """The parts of the one-line summary a results page's search form folds into on a phone
    ("22903 · 25 miles · 3 filters"), or [] when nothing has been searched for yet, so the form
    stays open for a first search."""
    near, words = query.get("near", "").strip(), query.get("q", "").strip()
    if not (near or words or filter_count):
        return []
    parts = [near[:40] or gettext("Anywhere")]
    if near:
        parts.append(gettext("%(miles)s miles") % {"miles": query.get("radius") or DEFAULT_RADIUS})
    if words:
        parts.append(f"\u201c{words[:30]}\u201d")
    if filter_count:
        parts.append(
            ngettext("%(count)d filter", "%(count)d filters", filter_count)
            % {"count": filter_count}
        )
    return parts
