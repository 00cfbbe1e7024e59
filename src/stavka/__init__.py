"""stavka: a campaign simulator for the Soviet Union's two-front war of 1941-45."""

from stavka.api import Campaign, list_scenarios, load, simulate
from stavka.engine.records import Event, Order
from stavka.errors import IllegalOrderError, ScenarioError, StavkaError, UnknownIdError

__version__ = "0.1.0"
__all__ = ["Campaign", "Event", "IllegalOrderError", "Order", "ScenarioError", "StavkaError",
           "UnknownIdError", "list_scenarios", "load", "simulate"]
