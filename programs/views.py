"""Public pages. Views stay thin: parse input, call a queryset method, render."""

from django.shortcuts import get_object_or_404, render

from programs.models import Program


def home(request):
    return render(request, "programs/home.html")


def program_list(request):
    programs = Program.objects.published().with_card_data()
    return render(request, "programs/list.html", {"programs": programs})


def program_detail(request, slug):
    program = get_object_or_404(Program.objects.published().with_detail_data(), slug=slug)
    return render(request, "programs/detail.html", {"program": program})
