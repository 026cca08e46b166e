"""Labels and definitions in the shipped catalogue are a Dutch and an English text, nothing else: an unquoted
comma in a YAML flow mapping once turned "Crimes per 1,000 inhabitants" into "Crimes per 1"."""

from pathlib import Path

import yaml

import kansenmonitor

CATALOGUE = Path(kansenmonitor.__file__).parent / "catalogue"


def test_every_label_and_definition_has_exactly_nl_and_en():
    bad = []
    for f in sorted(CATALOGUE.glob("*.yaml")):
        for ind in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("indicators", []):
            for key in ("label", "definition"):
                value = ind.get(key)
                if isinstance(value, dict) and set(value) - {"nl", "en"}:
                    bad.append(f"{f.name}: {ind['id']}.{key} has {sorted(value)}")
    assert not bad, "\n".join(bad)
