"""A program's own page."""

from django.shortcuts import get_object_or_404, render

from programs import facts, fit
from programs.filters import search_link
from programs.jsonld import as_script_data, facility_json_ld
from programs.models import Condition, Program
from programs.models.loading import DETAIL, load_related
from programs.pagecache import cached_page


@cached_page
def program_detail(request, slug):
    program = get_object_or_404(Program.objects.published().select_related("facility"), slug=slug)
    load_related([program], DETAIL)
    conditions = list(Condition.objects.all())
    # Reached from a search: mark what the family asked, and ask first about what is unknown.
    link = search_link(request.GET)
    criteria = link.criteria if link else []
    fit.answer([program], criteria)
    asked_first = fit.unknown_questions(program, criteria)
    questions = facts.intake_questions(program, conditions)
    context = {
        "program": program,
        "facility": program.facility,
        "sections": facts.page_sections(program),
        "conditions": program.condition_table(conditions),
        "questions": asked_first + [q for q in questions if q not in asked_first],
        "search_link": link,
        "search_query": link.query if link else "",
    }
    # Fictional listings are not offered to search engines as if they were real clinics.
    if not program.is_demo:
        page_url = request.build_absolute_uri(program.get_absolute_url())
        context["json_ld"] = as_script_data(facility_json_ld(program, page_url))
    return render(request, "programs/detail.html", context)
