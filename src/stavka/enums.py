"""Every enumeration of stavka, in one place: the scenario format's literals, the combat
model's table axes and the engine's integer codes all derive from here.

Each enumeration is written once, as a ``Literal`` type (what the scenario schema
accepts); its tuple of names (``get_args``) gives the integer code of each name by
position. **The order is part of the state digest** (codes are stored in state arrays and
index the combat model's and the engine's tables): append new names at the end, never
reorder.

This module imports nothing of stavka's, so every layer may import it.
"""

from __future__ import annotations

from typing import Literal, get_args

#: Terrain of a region (indexes the combat model's terrain factors and the road-speed table).
Terrain = Literal["open", "forest", "marsh", "mountain", "urban", "steppe", "taiga", "desert"]
TERRAINS: tuple[str, ...] = get_args(Terrain)

#: State of the ground in a climate zone on a day (weather tables, movement, combat).
Ground = Literal["dry", "wet", "mud", "frozen", "snow"]
GROUNDS: tuple[str, ...] = get_args(Ground)

#: Kind of a link between two regions.
EdgeKind = Literal["rail", "road", "sea", "river"]
EDGE_KINDS: tuple[str, ...] = get_args(EdgeKind)
E_RAIL, E_ROAD, E_SEA, E_RIVER = range(4)

#: Kind of a formation (its arm).
FormationKind = Literal["infantry", "armour", "motorised", "cavalry", "fortified", "air", "hq"]
KINDS: tuple[str, ...] = get_args(FormationKind)

#: A side's operational stance on one front (what its AI doctrine does there).
Stance = Literal["attack", "defend", "hold", "passive"]
STANCES: tuple[str, ...] = get_args(Stance)

#: An order's action (what a player, the script or the AI tells a formation to do).
Action = Literal["move", "attack", "rail", "defend", "hold", "withdraw"]
#: Action codes of the state: 0 is "no order".
ACTIONS: tuple[str, ...] = ("none", *get_args(Action))
A_NONE, A_MOVE, A_ATTACK, A_RAIL, A_DEFEND, A_HOLD, A_WITHDRAW = range(len(ACTIONS))
#: Actions that need a target region (a script's order and a player's alike).
NEEDS_TARGET: tuple[str, ...] = ("move", "attack", "rail")
#: Actions that keep a formation where it is, so a target would mean nothing (it was stored
#: in the state all the same, and changed the digest). ``withdraw`` may name one or not.
NO_TARGET: tuple[str, ...] = ("hold", "defend")

#: A formation's status: not yet in play, in play, on a train, destroyed or surrendered.
Status = Literal["inactive", "active", "rail", "gone"]
STATUSES: tuple[str, ...] = get_args(Status)
INACTIVE, ACTIVE, RAIL, GONE = range(len(STATUSES))

#: A force's posture in an engagement (indexes the combat model's posture factors).
Posture = Literal["attack", "hasty", "prepared", "fortified", "delay", "withdraw"]
POSTURES: tuple[str, ...] = get_args(Posture)

#: Categories of strength and of losses.
LossCategory = Literal["men", "tanks", "guns", "aircraft"]
CATS: tuple[str, ...] = get_args(LossCategory)

#: Why strength was lost: in battle (killed and missing; all equipment lost in battle),
#: captured (surrender), attrition (without supply: sickness, desertion, frost), wounded
#: (sanitary losses in battle: men who may return to duty), sick (sanitary losses out of
#: battle: disease and frostbite; they may return too).
LossCause = Literal["battle", "captured", "attrition", "wounded", "sick"]
CAUSES: tuple[str, ...] = get_args(LossCause)
C_BATTLE, C_CAPTURED, C_ATTRITION, C_WOUNDED, C_SICK = range(len(CAUSES))

#: Class of a warship or auxiliary (indexes the naval model's per-class tables,
#: :mod:`stavka.combat.naval`, and the last axis of a fleet's ship counts).
ShipClass = Literal["battleship", "carrier", "cruiser", "destroyer", "submarine", "transport",
                    "monitor"]
SHIP_CLASSES: tuple[str, ...] = get_args(ShipClass)
