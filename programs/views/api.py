"""A read-only JSON API: `/api/programs/` (the results page's search) and `/api/programs/<slug>/`.

The list takes the results page's own parameters, read by the same ``ProgramSearch`` on the
same ``published()`` programs, plus ``page`` and ``page_size``. Input is checked strictly:
a parameter we do not know, a repeated single-value parameter or a value the filters reject
answers 400 with a JSON body saying which and why, so a typo never silently widens a search.
Facts that were not reported are ``null``, never ``false`` (see ``programs.serializers``).
"""

import re
from functools import wraps

import django_filters
from django.http import JsonResponse
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt

from programs.filters import ProgramFilter
from programs.models import Program
from programs.models.loading import DETAIL, load_related
from programs.pagecache import cached_page
from programs.search import ProgramSearch
from programs.serializers import ApiRows, program_data

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGING_PARAMETERS = ("page", "page_size")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,220}$")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")
_MULTI_VALUE = (django_filters.MultipleChoiceFilter, django_filters.ModelMultipleChoiceFilter)


def _error(status: int, message: str, **details) -> JsonResponse:
    return JsonResponse({"error": message, **details}, status=status)


def json_get_only(view):
    """GET and HEAD only; anything else is a JSON 405 with ``Allow`` (the API never answers with
    HTML). Exempt from the CSRF check, which would answer a post with its HTML page first: the
    API reads nothing from a post and sets no cookie, so there is nothing to forge."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(405, read_only_message(request.method))
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def read_only_message(method: str) -> str:
    return gettext("%(method)s is not allowed; this API is read-only.") % {"method": method}


def _positive_int(params, name: str, default: int, maximum: int | None = None):
    """(value, None) or (None, error message)."""
    raw = params.get(name)
    if raw is None:
        return default, None
    if not _WHOLE_NUMBER.match(raw) or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        words = {"name": name, "maximum": maximum, "given": repr(raw[:40])}
        if maximum:
            return None, gettext(
                "%(name)s must be between 1 and %(maximum)d, not %(given)s."
            ) % words
        return None, gettext("%(name)s must be a whole number of 1 or more, not %(given)s.") % words
    return int(raw), None


def _page_url(request, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@json_get_only
@cached_page
def program_list(request):
    params = request.GET
    known = set(ProgramFilter.base_filters) | set(PAGING_PARAMETERS)
    unknown = sorted(name for name in params if name not in known)
    if unknown:
        return _error(
            400,
            gettext("Unknown parameters: %(names)s.")
            % {"names": ", ".join(name[:40] for name in unknown)},
            unknown_parameters=[name[:40] for name in unknown],
            allowed_parameters=sorted(known),
        )
    repeated = sorted(
        name
        for name in params
        if len(params.getlist(name)) > 1
        and not isinstance(ProgramFilter.base_filters.get(name), _MULTI_VALUE)
    )
    if repeated:
        return _error(
            400,
            gettext("These parameters take one value: %(names)s.") % {"names": ", ".join(repeated)},
            repeated_parameters=repeated,
        )
    page_number, page_error = _positive_int(params, "page", 1)
    page_size, size_error = _positive_int(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    if page_error or size_error:
        return _error(400, " ".join(filter(None, (page_error, size_error))))

    search = {name: params.getlist(name) for name in params if name not in PAGING_PARAMETERS}
    programs = ProgramSearch(
        search, queryset=Program.objects.published().select_related("facility")
    )
    if programs.errors:
        return _error(
            400,
            gettext("Some parameters have values we cannot use."),
            errors={
                name: [error["message"] for error in errors]
                for name, errors in programs.errors.get_json_data().items()
            },
        )

    paginator = programs.paginator(page_size)
    if page_number > max(paginator.num_pages, 1):
        return _error(
            404,
            ngettext(
                "There is no page %(page)d; this search has %(pages)d page.",
                "There is no page %(page)d; this search has %(pages)d pages.",
                paginator.num_pages,
            )
            % {"page": page_number, "pages": paginator.num_pages},
        )
    page = paginator.page(page_number)
    # The criteria read once: the property reads the form again on each call.
    rows = ApiRows(base_url=request.build_absolute_uri("/").rstrip("/"), criteria=programs.criteria)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "page_size": page_size,
            "num_pages": paginator.num_pages,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [rows.data(program) for program in load_related(page, DETAIL)],
        }
    )


@json_get_only
@cached_page
def program_detail(request, slug):
    if request.GET:
        names = sorted(name[:40] for name in request.GET)
        return _error(
            400,
            gettext("This address takes no parameters: %(names)s.") % {"names": ", ".join(names)},
            unknown_parameters=names,
        )
    program = None
    if _SLUG.match(slug):
        program = Program.objects.published().select_related("facility").filter(slug=slug).first()
    if program is None:
        return _error(
            404, gettext("No published program has the slug %(slug)s.") % {"slug": repr(slug[:100])}
        )
    load_related([program], DETAIL)
    base_url = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(program_data(program, base_url=base_url))
