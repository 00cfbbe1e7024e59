"""Generated scenarios of any size, for scaling benchmarks and stress tests.

``synthetic(formations=..., width=..., height=...)`` builds a valid scenario
(a plain dict, as the YAML would read) on a ``width x height`` grid of regions
120 km apart: railways run along every row, roads along every column, the
attacker ("blue") holds the western third and the defender ("red") the rest.
Formations are split evenly between the sides and spread round-robin over
their regions. Nothing here is historical: it exists to measure how cost grows
with formations and regions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from stavka.atomic import atomic_write

KM = 120.0


def synthetic(formations: int = 1000, width: int = 24, height: int = 12, days: int = 60
              ) -> dict[str, Any]:
    """A scenario dict with ``formations`` formations on a ``width`` x ``height`` grid."""
    if formations < 2 or width < 3 or height < 1:
        raise ValueError("need formations >= 2, width >= 3, height >= 1")

    def nid(x: int, y: int) -> str:
        return f"r{y:02d}c{x:02d}"

    split = max(1, width // 3)
    nodes = []
    for y in range(height):
        for x in range(width):
            blue = x < split
            nodes.append({
                "id": nid(x, y), "name": f"Region {y}-{x}",
                "lat": 50.0 + y * 1.08, "lon": 20.0 + x * 1.7,
                "zone": "plain", "front": "main",
                "owner": "blue" if blue else "red",
                "terrain": "urban" if (x, y) == (width - 1, height // 2) else "open",
                "vp": 50 if (x, y) == (width - 1, height // 2) else (5 if x % 4 == 0 else 0),
                "supply_source": x in (0, width - 1),
            })
    edges = []
    for y in range(height):
        for x in range(width - 1):
            edges.append({"a": nid(x, y), "b": nid(x + 1, y), "kind": "rail", "km": KM,
                          "capacity": 24})
    for x in range(width):
        for y in range(height - 1):
            edges.append({"a": nid(x, y), "b": nid(x, y + 1), "kind": "road", "km": KM})
    blue_nodes = [nid(x, y) for y in range(height) for x in range(split)]
    red_nodes = [nid(x, y) for y in range(height) for x in range(split, width)]
    forms = []
    for i in range(formations):
        side, pool, typ = (("blue", blue_nodes, "infantry" if i % 4 else "armour") if i % 2 == 0
                           else ("red", red_nodes, "rifle"))
        forms.append({"id": f"{side}_{i}", "name": f"{side.title()} division {i}", "side": side,
                      "type": typ, "location": pool[(i // 2) % len(pool)]})
    capital = nid(width - 1, height // 2)
    return {
        "id": f"synthetic-{formations}",
        "name": f"Synthetic {width}x{height} map, {formations} formations",
        "start": "1941-10-01", "end": _date_plus("1941-10-01", days - 1),
        "climate": {"plain": {"periods": [
            {"from": "1941-10-10", "to": "1941-10-25", "ground": "mud", "temp_c": 3}]}},
        "sides": {
            "blue": {"name": "Blue", "alliance": "blue", "colour": "#2255aa",
                     "doctrine": {"main": "attack"}},
            "red": {"name": "Red", "alliance": "red", "colour": "#aa2222",
                    "doctrine": {"main": "defend"}},
        },
        "wars": [["blue", "red"]],
        "nodes": nodes, "edges": edges,
        "formation_types": {
            "division": {"abstract": True, "men": 12000, "guns": 120, "rail_trains": 30,
                         "speed_km_day": 20},
            "infantry": {"inherits": "division", "men": 15000, "guns": 180, "quality": 1.2},
            "armour": {"inherits": "division", "kind": "armour", "men": 13000, "tanks": 150,
                       "trucks": 2000, "speed_km_day": 40},
            "rifle": {"inherits": "division", "men": 11000, "guns": 110},
        },
        "formations": forms,
        "victory": {"conditions": [{"id": "capital_holds", "side": "red", "hold": capital}],
                    "sudden_death": {capital: "blue"}},
    }


def _date_plus(iso: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def write_synthetic(path: Path, **kw: Any) -> Path:
    """Write :func:`synthetic` as YAML to ``path`` (a file) and return it."""
    import io

    buf = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.dump(synthetic(**kw), buf)
    atomic_write(path, buf.getvalue())
    return path
