"""The API's problem+json speaks the request's language: Dutch by default, English with ?lang=en or an
Accept-Language that prefers English; every parameter error of the web layer has its English text."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kansenmonitor.web import i18n

SRC = Path(__file__).resolve().parents[2] / "src" / "kansenmonitor"
#: parameter errors that pass on a message of an engine (Dutch only); the API marks them as such in English
ENGINE_MESSAGES = {("web/evaluation/views.py", "str(exc.args[0])"), ("web/evaluation/views.py", "text"),
                   ("web/indices/routes.py", "msg"), ("web/indices/routes.py", "str(exc)"),
                   ("web/reports/routes.py", "_message(exc)")}


@pytest.mark.parametrize("lang, header, expected", [
    (None, None, "nl"), ("en", None, "en"), ("nl", "en", "nl"), (None, "en-GB,en;q=0.9", "en"),
    (None, "de-DE,de;q=0.9,en;q=0.8,nl;q=0.7", "en"), (None, "nl-NL,nl;q=0.9,en;q=0.8", "nl"),
    (None, "fr", "nl"), ("xx", "en", "en"), (None, "en;q=0", "nl"),
])
def test_api_language_choice(lang, header, expected):
    assert i18n.api_lang(lang, header) == expected


CASES = [
    ("/v1/waarnemingen?per_pagina=0", "per_pagina", "is te klein; het moet minstens 1 zijn",
     "is too small; it must be at least 1"),
    ("/v1/waarnemingen?jaar=twintig", "jaar", "'twintig' is geen geheel getal", "'twintig' is not a whole number"),
    ("/v1/gebieden?niveau=straat", "niveau", "'straat' kan niet; kies uit 'land', 'gemeente'",
     "'straat' is not possible; choose from 'land', 'gemeente'"),
    ("/v1/doelgroepen?index=geen&gemeente=GM0153&regel=top-n:3&budget=10", "index",
     "index 'geen' bestaat niet", "index 'geen' does not exist"),
    ("/v1/scholen?soort=xyz", "soort", "'xyz' kan niet; kies uit", "'xyz' is not possible; choose from"),
    ("/v1/programmas/kansrijk-enschede-2023-2033/financien?tabel=nee", "tabel", "is geen begrotingstabel",
     "is not a budget table"),
]


@pytest.mark.parametrize("url, name, nl, en", CASES)
def test_invalid_params_in_the_asked_language(client, url, name, nl, en):
    dutch = client.get(url)
    assert dutch.status_code == 400 and dutch.headers["content-type"].startswith("application/problem+json")
    body = dutch.json()
    assert body["title"] == "Ongeldige parameter" and body["invalid_params"][0]["name"] == name
    assert nl in body["invalid_params"][0]["reason"] and nl in body["detail"]
    for english in (client.get(url + "&lang=en"), client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"})):
        body = english.json()
        assert english.status_code == 400 and body["title"] == "Invalid parameter"
        assert body["invalid_params"][0]["name"] == name  # parameter names are the API's, in Dutch
        assert en in body["invalid_params"][0]["reason"] and body["detail"].startswith("The parameter")


def test_engine_messages_say_they_are_dutch_only(client):
    body = client.get("/v1/doelgroepen?index=urgentie&gemeente=GM0153&regel=top-x:3&budget=10&lang=en").json()
    assert body["invalid_params"][0]["reason"].startswith("not valid (explained in Dutch only: regel 'top-x:3'")


def test_other_api_problems_follow_the_language(client):
    assert client.get("/v1/gebieden/XX?lang=en").json()["title"] == "Area not found"
    assert client.get("/v1/gebieden/XX").json()["title"] == "Gebied niet gevonden"
    assert client.get("/v1/bestaat-niet", headers={"Accept-Language": "en"}).json()["title"] == "Not found"


def test_every_parameter_error_of_the_web_layer_has_english():
    missing = []
    for path in sorted((SRC / "web").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "BadParameter":
                has_en = len(node.args) >= 3 or any(k.arg == "en" for k in node.keywords)
                where = (str(path.relative_to(SRC)), ast.unparse(node.args[1]) if len(node.args) > 1 else "")
                if not has_en and where not in ENGINE_MESSAGES:
                    missing.append(f"{where[0]}:{node.lineno}")
    assert not missing, "BadParameter without an English text: " + ", ".join(missing)
