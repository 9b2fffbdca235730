"""A program's own page."""

from django.shortcuts import get_object_or_404, render

from programs.models import Program


def program_detail(request, slug):
    program = get_object_or_404(Program.objects.published().with_detail_data(), slug=slug)
    return render(request, "programs/detail.html", {"program": program})
