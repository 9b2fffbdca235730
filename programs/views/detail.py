"""A program's own page."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404, render

from programs import facts, fit
from programs.compare import distances_from
from programs.jsonld import as_script_data, facility_json_ld
from programs.models import Condition, Program
from programs.models.loading import DETAIL, load_related
from programs.pagecache import cached_page
from programs.search import search_link


@cached_page
def program_detail(request, slug):
    program = get_object_or_404(Program.objects.published().select_related("facility"), slug=slug)
    load_related([program], DETAIL)
    conditions = list(Condition.objects.all())
    # Reached from a search: mark what the family asked, and ask first about what is unknown.
    link = search_link(request.GET)
    criteria = link.criteria if link else []
    fit.answer([program], criteria)
    near = QueryDict(link.query).get("near", "") if link else ""
    located = distances_from(near, [program]) if near else None
    context = {
        "program": program,
        "facility": program.facility,
        "sections": facts.page_sections(program),
        "conditions": program.condition_table(conditions),
        "questions": fit.questions_to_ask(program, criteria, conditions),
        "search_link": link,
        "search_query": link.query if link else "",
        "distance": (
            {"place": located[0], "miles": located[1][program.pk]}
            if located and located[1][program.pk] is not None
            else None
        ),
    }
    # Fictional listings are not offered to search engines as if they were real clinics.
    if not program.is_demo:
        page_url = request.build_absolute_uri(program.get_absolute_url())
        context["json_ld"] = as_script_data(facility_json_ld(program, page_url))
    return render(request, "programs/detail.html", context)
