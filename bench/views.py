"""The minimal view: the ceiling a page can reach on this machine behind the site's middleware."""

from django.http import HttpResponse


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")
