"""Public pages of curation: "Report a problem" on a program, and the provider update form.

Neither page is a browsing page: both post a form, so both carry Django's CSRF token and set
its cookie, and both are marked never to be cached (``never_cache``), by browsers or by the
page cache. Every browsing page stays cookie-free.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from programs.curation import ratelimit
from programs.curation.forms import ReportForm
from programs.curation.proposals import ProposalForm
from programs.models import Program, ProviderLink, ProviderLinkError


def _published_program(slug: str) -> Program:
    return get_object_or_404(Program.objects.published().select_related("facility"), slug=slug)


@never_cache
def report_problem(request, slug):
    program = _published_program(slug)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_bot:
            # Answered like a success so that a bot learns nothing; nothing is stored.
            return redirect("curation:report_sent", slug=program.slug)
        if form.is_valid():
            # Only reports that would be stored count towards the limit: a visitor correcting
            # a mistake is not held back.
            if not ratelimit.allow(
                request, "report", settings.REPORT_LIMIT, settings.REPORT_LIMIT_WINDOW
            ):
                context = {"program": program, "form": form, "too_many": True}
                return render(request, "curation/report.html", context, status=429)
            report = form.save(commit=False)
            report.program = program
            report.facility = program.facility
            report.save()
            return redirect("curation:report_sent", slug=program.slug)
        status = 400
    return render(
        request, "curation/report.html", {"program": program, "form": form}, status=status
    )


@never_cache
def report_sent(request, slug):
    program = _published_program(slug)
    return render(request, "curation/report_sent.html", {"program": program})


def _link_or_403(token: str) -> ProviderLink:
    try:
        return ProviderLink.from_token(token)
    except ProviderLinkError as exc:
        raise PermissionDenied(str(exc)) from exc


@never_cache
def provider_update(request, token):
    link = _link_or_403(token)
    facility = link.facility
    programs = list(facility.programs.order_by("name"))
    program = None
    if "program" in request.GET or "program" in request.POST:
        wanted = request.POST.get("program") or request.GET.get("program")
        program = next((p for p in programs if p.slug == wanted), None)
    if program is None and len(programs) == 1:
        program = programs[0]
    context = {"link": link, "facility": facility, "programs": programs, "program": program}
    if program is None:
        return render(request, "curation/provider_choose.html", context)

    form = ProposalForm(program, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            proposal = form.save(link)
            context["proposal"] = proposal
            return render(request, "curation/provider_sent.html", context)
        status = 400
    context["form"] = form
    return render(request, "curation/provider_update.html", context, status=status)
