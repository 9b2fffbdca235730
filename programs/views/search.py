"""The home page and the results list."""

from django.shortcuts import render

from programs.models import Program


def home(request):
    return render(request, "programs/home.html")


def program_list(request):
    programs = Program.objects.published().with_card_data()
    return render(request, "programs/list.html", {"programs": programs})
