"""The help page's glossary explains par in the reader's language (the word players meet
beside every total in the debrief and on their own page)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("language, term, phrase", [
    ("en", "Par", "a strong game is worth the same for every country"),
    ("es", "Compensación", "una buena partida valga lo mismo para cualquier país"),
])
def test_the_glossary_explains_par(language: str, term: str, phrase: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.get("/help/").content.decode()
    assert term in page and phrase in page
    if language == "es":
        assert "room to gain" not in page
