"""Files browsers ask for at fixed addresses."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico whether or not a page links an icon. The icon is a static
    # file whose name carries a content hash in production, so this is a temporary redirect.
    return redirect(static("favicon.svg"))
