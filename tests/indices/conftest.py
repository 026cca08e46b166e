"""Fixtures for the index tests: the shipped definitions and the demo database's Enschede buurten."""

from __future__ import annotations

import pytest

from kansenmonitor.indices import load_definition, load_inputs


@pytest.fixture(scope="session")
def urgentie(demo_monitor):
    return load_definition("urgentie", catalogue=demo_monitor.catalogue)


@pytest.fixture(scope="session")
def mdi(demo_monitor):
    return load_definition("meervoudige_achterstand", catalogue=demo_monitor.catalogue)


@pytest.fixture(scope="session")
def enschede_urgentie(demo_monitor, urgentie):
    return load_inputs(demo_monitor, urgentie, level="buurt", gemeente="GM0153")
