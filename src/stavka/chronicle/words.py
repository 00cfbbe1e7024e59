"""Display names and number words for the chronicle."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve")

#: Side display name -> (adjective, plural noun). Others fall back to "<name> forces".
_DEMONYMS = {
    "soviet union": ("Soviet", "Soviet forces"), "ussr": ("Soviet", "Soviet forces"),
    "germany": ("German", "Germans"), "japan": ("Japanese", "Japanese"),
    "finland": ("Finnish", "Finns"), "romania": ("Romanian", "Romanians"),
    "hungary": ("Hungarian", "Hungarians"), "italy": ("Italian", "Italians"),
    "slovakia": ("Slovak", "Slovaks"), "manchukuo": ("Manchukuo", "Manchukuo forces"),
    "mongolia": ("Mongolian", "Mongolians"), "united kingdom": ("British", "British"),
    "britain": ("British", "British"), "united states": ("American", "Americans"),
    "china": ("Chinese", "Chinese"), "poland": ("Polish", "Poles"),
    "turkey": ("Turkish", "Turks"), "iran": ("Iranian", "Iranians"),
}

_PLURALS = {"army": "armies", "corps": "corps", "division": "divisions", "brigade": "brigades",
            "regiment": "regiments", "group": "groups", "fleet": "fleets", "front": "fronts",
            "garrison": "garrisons", "detachment": "detachments", "battalion": "battalions"}


def num(x: float) -> str:
    """A whole number with thousands separators: ``14,483``."""
    if x is None or not math.isfinite(float(x)):
        return "?"
    return f"{round(float(x)):,}"


def count(n: int, cap: bool = False) -> str:
    """Small counts in words (``four``), larger ones in figures (``14``)."""
    w = _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"
    return w[:1].upper() + w[1:] if cap else w


def plural(n: int, word: str, words: str | None = None) -> str:
    return word if n == 1 else (words or word + "s")


def day_date(d: dt.date) -> str:
    """``12 Oct 1941``."""
    return f"{d.day} {d:%b %Y}"


def short_date(d: dt.date | str) -> str:
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return f"{d.day} {d:%b}"


def join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(s: str) -> str:
    s = s.strip()
    if not s:
        return s
    s = s[:1].upper() + s[1:]
    return s if s[-1] in ".!?" else s + "."


class Names:
    """Display names from a scenario spec (and, if given, compiled static tables)."""

    def __init__(self, spec: Any, static: Any = None):
        self.spec = spec
        self.nodes = {n.id: n.name for n in spec.nodes}
        self.vp = {n.id: n.vp for n in spec.nodes}
        self.owner0 = {n.id: n.owner for n in spec.nodes}
        self.sides = {sid: s.name for sid, s in spec.sides.items()}
        self.colours = {sid: s.colour for sid, s in spec.sides.items()}
        self.forms: dict[str, str] = {f.id: f.name for f in spec.formations}
        self.fside: dict[str, str] = {f.id: f.side for f in spec.formations}
        self.ftype: dict[str, str] = {f.id: f.type for f in spec.formations}
        if static is not None:
            for i, fid in enumerate(static.form_ids):
                self.forms.setdefault(fid, static.form_names[i])
                self.fside.setdefault(fid, static.side_ids[int(static.fside[i])])
                self.ftype.setdefault(fid, static.type_ids[int(static.ftype[i])])
        self.zones = {z: (c.name or z.replace("_", " ").title())
                      for z, c in getattr(spec, "climate", {}).items()}

    # ---- places and sides ----------------------------------------------
    def node(self, nid: str | None) -> str:
        if nid is None:
            return "an unknown place"
        return self.nodes.get(nid, nid.replace("_", " ").title())

    def side(self, sid: str | None, article: bool = False) -> str:
        name = self.sides.get(sid or "", (sid or "unknown").replace("_", " ").title())
        if article and name.lower().startswith(("soviet", "united", "ussr")):
            return "the " + name
        return name

    def adj(self, sid: str | None) -> str:
        name = self.side(sid)
        return _DEMONYMS.get(name.lower(), (name, ""))[0]

    def people(self, sid: str | None) -> str:
        name = self.side(sid)
        return _DEMONYMS.get(name.lower(), (name, f"{name} forces"))[1]

    def side_text(self, text: str) -> str:
        """Replace a leading side id in engine text ("germany takes ...") by its name."""
        for sid in sorted(self.sides, key=len, reverse=True):
            if text == sid or text.startswith(sid + " "):
                return self.side(sid) + text[len(sid):]
        return text

    def ids_text(self, text: str) -> str:
        """Engine text with node and side ids replaced by display names."""
        def sub(m: re.Match[str]) -> str:
            w = m.group(0)
            return self.nodes.get(w) or self.sides.get(w) or w
        return re.sub(r"\b[a-z][a-z0-9_]*\b", sub, text)

    # ---- formations ------------------------------------------------------
    def form(self, fid: str) -> str:
        return self.forms.get(fid, fid)

    def noun(self, fids: Iterable[str]) -> tuple[str, str]:
        """(singular, plural) common noun of formations: division(s), army, formation(s)."""
        nouns = set()
        for f in fids:
            t = self.ftype.get(f, "")
            nouns.add(t.rsplit("_", 1)[-1] if t.rsplit("_", 1)[-1] in _PLURALS else "formation")
        if len(nouns) == 1:
            n = nouns.pop()
            return n, _PLURALS.get(n, n + "s")
        return "formation", "formations"

    def who(self, fids: Sequence[str], side: str | None, cap: bool = False,
            names_upto: int = 1) -> tuple[str, bool]:
        """A phrase for a group of formations and whether it takes a plural verb:
        ``Soviet 32nd Rifle Division`` / ``four Soviet divisions``."""
        fids = list(dict.fromkeys(fids))
        adj = self.adj(side) if side else ""
        if 0 < len(fids) <= names_upto:
            names = [self.form(f) for f in fids]
            # a name that already says whose it is ("Soviet 32nd Rifle Division", "German
            # division 1") is not given the adjective twice
            own = tuple(w.lower() + " " for w in (adj, self.side(side)) if w)
            if adj and all(nm.lower().startswith(own) for nm in names):
                adj = ""
            phrase = f"{adj} {join(names)}".strip() if adj else join(names)
            if not adj and not phrase[:1].isupper():
                phrase = "the " + phrase
            return (phrase[:1].upper() + phrase[1:] if cap else phrase), len(fids) > 1
        one, many = self.noun(fids)
        n = len(fids)
        phrase = f"{count(n, cap)} {adj + ' ' if adj else ''}{plural(n, one, many)}"
        return phrase, n != 1
