"""schema.org JSON-LD that describes a program's facility to search engines.

Built as a Python dict and serialised with ``json.dumps``; ``<``, ``>`` and ``&`` are escaped as
JSON unicode escapes so that no listing text can close the ``<script>`` element it sits in.
Only reported facts go in: a fact that is not reported is left out, never guessed.
"""

import json

from django.utils.safestring import SafeString, mark_safe

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def facility_json_ld(program, page_url: str) -> dict:
    facility = program.facility
    data: dict = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": facility.name,
        "url": page_url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(
                line for line in (facility.street1, facility.street2) if line
            ),
            "addressLocality": facility.city,
            "addressRegion": facility.state,
            "postalCode": facility.zip_code,
            "addressCountry": "US",
        },
        "availableService": {
            "@type": "MedicalTherapy",
            "name": program.name,
            "description": program.get_level_of_care_display(),
        },
    }
    if facility.phone or facility.intake_phone:
        data["telephone"] = facility.phone or facility.intake_phone
    if facility.website:
        data["sameAs"] = facility.website
    if facility.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": facility.latitude,
            "longitude": facility.longitude,
        }
    payment = [str(item) for item in facility.payment_types.all()]
    if payment:
        data["paymentAccepted"] = ", ".join(payment)
    languages = [str(item) for item in facility.languages.all()]
    if languages:
        data["knowsLanguage"] = languages
    # Only an answer confirmed recently: search engines show it without its date.
    if program.accepting_is_current:
        data["isAcceptingNewPatients"] = program.accepting_new_clients
    return data


def as_script_data(data: dict) -> SafeString:
    """JSON text that is safe to place inside a ``<script type="application/ld+json">``."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))
