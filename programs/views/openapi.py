"""`/api/openapi.json`: the OpenAPI 3.1 description of the JSON API (``programs.openapi``)."""

from django.http import JsonResponse

from programs.openapi import DOCUMENT
from programs.views.api import json_get_only


@json_get_only
def openapi_json(request):
    return JsonResponse(DOCUMENT, json_dumps_params={"indent": 1})
