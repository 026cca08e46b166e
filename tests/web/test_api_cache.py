"""``/v1/waarnemingen`` answers are kept per query until the store changes."""

from __future__ import annotations

URL = "/v1/waarnemingen?gebied=BU01530603&indicator=moeite_met_rondkomen_18plus"


def _counting(monkeypatch, site) -> list:
    calls = []
    store = site.monitor.store
    real = store.observations

    def observations(*args, **kwargs):
        if kwargs.get("regions"):  # the API's query (disclosure reads the store on its own the first time)
            calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "observations", observations)
    return calls


def test_same_query_is_answered_from_the_cache_until_the_store_changes(web_app, client, monkeypatch):
    site = web_app.state.site
    site.clear()
    calls = _counting(monkeypatch, site)
    first = client.get(URL)
    again = client.get(URL)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["totaal"] >= 2
    assert len(calls) == 1  # the second answer did not ask the store
    # another page or another query is its own answer, with its own links
    page2 = client.get(URL + "&per_pagina=1&pagina=2").json()
    assert page2["pagina"] == 2 and len(page2["waarnemingen"]) == 1
    assert page2["waarnemingen"][0] == first.json()["waarnemingen"][1]
    assert "pagina=2" in page2["_links"]["self"]["href"]
    assert len(calls) == 2
    # the store changed (an import): the next request notices it and asks the store again
    stamp = site._stamp
    monkeypatch.setattr(site, "_store_stamp", lambda: ("changed", stamp))
    site._checked = -1e9
    assert client.get(URL).json() == first.json()
    assert len(calls) == 3
