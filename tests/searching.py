"""Asking the results page /programs/ in tests, and reading what it found."""

URL = "/programs/"
NOT_REPORTED = "Not reported - ask at intake"


def search(client, params="", status=200):
    response = client.get(f"{URL}?{params}" if params else URL)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def names(response) -> list[str]:
    """The programs of the page that match every criterion asked (with criteria chosen, the
    others are "might fit" or "does not fit": tests/test_fit.py)."""
    return [
        program.name
        for program in response.context["page"].object_list
        if getattr(program, "fit_group", 0) == 0
    ]


def only(client, params: str, included: str, excluded: str):
    found = names(search(client, params))
    assert included in found
    assert excluded not in found
