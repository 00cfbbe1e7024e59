"""The scenario-file reference, generated from the schema's field descriptions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from stavka.scenario import schema as sc

#: Models in the order a reader meets them in a scenario file.
MODELS: tuple[type[BaseModel], ...] = (
    sc.Scenario, sc.Parameter, sc.Climate, sc.WeatherPeriod, sc.River, sc.Side,
    sc.Mobilisation, sc.Node, sc.Edge, sc.FormationType, sc.Formation, sc.Factory, sc.Order,
    sc.Selector, sc.Event, sc.Trigger, sc.StrengthCondition, sc.ParamCondition, sc.Effect,
    sc.AttackOrder, sc.PartisanRaise, sc.Strike, sc.MobilisePolicy, sc.Transfer, sc.Delivery,
    sc.Request, sc.RequestCondition, sc.AgreementCondition,
    sc.Victory, sc.VictoryCondition, sc.Commander,
    sc.Diplomacy, sc.DipRequest, sc.Offer, sc.Goods, sc.Weights, sc.Counter, sc.Agreement,
    sc.Clause, sc.Limit, sc.Contract, sc.Route, sc.Neutral, sc.EntryModel,
    sc.Sea, sc.SeaZone, sc.Fleet, sc.Landing, sc.FleetMove,
)


def _type(ann: Any) -> str:
    s = str(ann).replace("typing.", "").replace("datetime.date", "date")
    s = s.replace("stavka.scenario.schema.", "").replace("<class '", "").replace("'>", "")
    return s.replace("Annotated[str, FieldInfo(annotation=NoneType, required=True, "
                     "metadata=[_PydanticGeneralMetadata(pattern='^\\\\$[A-Za-z_][A-Za-z0-9_]*$')])]",
                     "$param")


def markdown() -> str:
    """The whole reference as Markdown: one table per model."""
    out = ["# Scenario file reference", "",
           "Generated from `src/stavka/scenario/schema.py` (`stavka docs`). A field marked "
           "**not yet used** is accepted and checked, but no rule of the engine reads it yet; "
           "`stavka check` warns where a scenario sets it.", "",
           "Files are plain YAML data (no tags). Numbers are written in plain decimal (1000, "
           "0.25, 2e2); YAML's other notations (1_000, 0x12C, 0o14, 0b11) are refused with "
           "the file and line, as `--set` and `--vary` refuse them.", ""]
    for m in MODELS:
        out += [f"## {m.__name__}", "", (m.__doc__ or "").strip(), "",
                "| field | type | default | description |", "| --- | --- | --- | --- |"]
        for name, f in m.model_fields.items():
            key = f.alias or name
            default = "required" if f.is_required() else repr(
                f.default_factory() if f.default_factory else f.default)  # type: ignore[call-arg]
            desc = f.description or ""
            planned = sc.planned_use(m, name)
            if planned is not None:
                desc = f"{desc}; " if desc else ""
                desc += f"**not yet used** by the engine (planned: {planned})"
            out.append(f"| `{key}` | `{_type(f.annotation)}` | {default} | {desc} |")
        out.append("")
    return "\n".join(out)
