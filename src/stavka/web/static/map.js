// stavka war room: the shared map (d3-geo over Natural Earth borders from world-atlas,
// shipped in vendor/; nothing is fetched from the internet). Used by watch.html and
// play.html, and embedded whole in every report.html (stavka.chronicle.cartography), so
// the report's maps are drawn by this same code. Its styles: map.css.
/* global d3, topojson */
"use strict";

const Stavka = {};

Stavka.api = async function (path, opts = {}) {
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: r.statusText }; }
  if (!r.ok) { const e = new Error((body && body.error) || `${r.status}`); e.body = body; e.status = r.status; throw e; }
  return body;
};

// Upload the scenario file chosen in `input` (one YAML file); on success await `loaded(info)`
// (the page selects the new scenario) and only then say "ok" in `out`, so the message never
// runs ahead of the page; on refusal list the loader's located problems (FILE:LINE: field:
// message) in `out`.
Stavka.uploadScenario = async function (input, out, loaded = async () => {}) {
  const f = input.files && input.files[0];
  out.className = ""; out.innerHTML = "";
  if (!f) { out.textContent = "choose a scenario file (.yaml) first"; out.className = "error"; return null; }
  if (f.size > 1024 * 1024) { out.textContent = `${f.name}: over 1 MiB, too large to upload`; out.className = "error"; return null; }
  out.textContent = "checking…";
  try {
    const s = await Stavka.api("/api/scenarios", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: f.name, text: await f.text() }) });
    await loaded(s);
    out.className = "ok"; out.textContent = `${f.name}: loaded as ${s.id} (${s.name})`;
    return s;
  } catch (e) {
    const probs = (e.body && e.body.problems) || [];
    out.className = "error";
    out.innerHTML = `<div>${Stavka.esc(e.message)}</div>` + (probs.length
      ? `<ul class="problems">${probs.map((p) => `<li>${Stavka.esc(p)}</li>`).join("")}</ul>` : "");
    return null;
  }
};

Stavka.esc = (s) => String(s).replace(/[&<>"']/g,
  (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

// A map of a scenario in an <svg>: regions (Voronoi cells clipped to land, coloured by
// owner), rail lines (width by trains/day), the front line, formation markers per region
// and side (NATO-style frames sized by men), region labels; with a sea (geometry.sea):
// sea zones, fleets and landings (setSea).
Stavka.Map = class {
  constructor(svg, geometry, world, opts = {}) {
    this.svg = d3.select(svg);
    this.svg.selectAll("*").remove();
    this.geo = geometry;
    this.sides = Object.keys(geometry.scenario.sides);
    this.colour = (s) => geometry.scenario.sides[s].colour;
    this.alliance = (s) => geometry.scenario.sides[s].alliance;
    this.onRegion = opts.onRegion || (() => {});
    this.nodes = geometry.nodes;
    this.index = new Map(this.nodes.map((n, i) => [n.id, i]));
    const W = 1200, H = 640;
    this.svg.attr("viewBox", `0 0 ${W} ${H}`).attr("class", "map");
    // fit the projection to one front's regions (opts.focus) or to all of them, and the
    // sea zones on their coasts
    const focus = this.nodes.filter((n) => !opts.focus || n.front === opts.focus);
    const shown = focus.length ? focus : this.nodes;
    this.zones = (geometry.sea && geometry.sea.zones) || [];
    const ids = new Set(shown.map((n) => n.id));
    const seaPts = this.zones.filter((z) => z.coast.some((c) => ids.has(c)));
    const pts = { type: "MultiPoint", coordinates: [...shown, ...seaPts].map((n) => [n.lon, n.lat]) };
    const pad = this.zones.length ? 48 : 30;  // room for a sea zone's disc and name
    this.proj = d3.geoConicEquidistant().parallels([40, 56]).rotate([-86, 0])
      .fitExtent([[pad, pad], [W - pad, H - pad]], pts);
    const path = d3.geoPath(this.proj);
    this.xy = this.nodes.map((n) => this.proj([n.lon, n.lat]));
    const countries = topojson.feature(world, world.objects.countries);
    const land = topojson.merge(world, world.objects.countries.geometries);
    const defs = this.svg.append("defs");
    // ids unique in the page: a report holds many maps, each with its own clip
    const uid = (Stavka.Map.count = (Stavka.Map.count || 0) + 1);
    defs.append("clipPath").attr("id", `landclip${uid}`).append("path").attr("d", path(land));
    this.svg.append("rect").attr("width", W).attr("height", H).attr("class", "sea");
    this.svg.append("path").attr("class", "land").attr("d", path(land));
    const vor = d3.Delaunay.from(this.xy).voronoi([0, 0, W, H]);
    this.cells = this.svg.append("g").attr("clip-path", `url(#landclip${uid})`)
      .selectAll("path").data(this.nodes).join("path")
      .attr("class", "cell").attr("d", (n, i) => vor.renderCell(i))
      .on("click", (ev, n) => this.onRegion(n.id));
    this.svg.append("path").attr("class", "borders")
      .attr("d", path(topojson.mesh(world, world.objects.countries, (a, b) => a !== b)));
    this.svg.append("path").attr("class", "coast").attr("d", path(land));
    const P = (id) => this.xy[this.index.get(id)];
    this.zoneIndex = new Map(this.zones.map((z, i) => [z.id, i]));
    this.zxy = this.zones.map((z) => this.proj([z.lon, z.lat]));
    // a sea lane through a zone: dashed, curved through the zone's centre (under its disc)
    const lane = (e) => e.kind === "sea" && e.zone && this.zoneIndex.has(e.zone);
    const edges = geometry.edges;
    if (this.zones.length) {
      this.svg.append("g").selectAll("path").data(edges.filter(lane)).join("path")
        .attr("class", "link sea lane").attr("fill", "none")
        .attr("d", (e) => { const [x1, y1] = P(e.a), [x2, y2] = P(e.b), [zx, zy] = this.zxy[this.zoneIndex.get(e.zone)];
          return `M${x1},${y1}Q${2 * zx - (x1 + x2) / 2},${2 * zy - (y1 + y2) / 2} ${x2},${y2}`; })
        .append("title").text((e) => `${e.a}–${e.b}: sea lane through ${e.zone}, ${e.km} km`);
      this.drawSeaZones(defs, uid);
    }
    this.svg.append("g").selectAll("line").data(edges.filter((e) => e.kind !== "rail" && !lane(e))).join("line")
      .attr("class", (e) => "link " + e.kind)
      .attr("x1", (e) => P(e.a)[0]).attr("y1", (e) => P(e.a)[1])
      .attr("x2", (e) => P(e.b)[0]).attr("y2", (e) => P(e.b)[1]);
    this.svg.append("g").selectAll("line").data(edges.filter((e) => e.kind === "rail")).join("line")
      .attr("class", "link rail").attr("stroke-width", (e) => 0.8 + Math.sqrt(e.capacity || 1) / 2)
      .attr("x1", (e) => P(e.a)[0]).attr("y1", (e) => P(e.a)[1])
      .attr("x2", (e) => P(e.b)[0]).attr("y2", (e) => P(e.b)[1])
      .append("title").text((e) => `${e.a}–${e.b}: rail, ${e.km} km, ${e.capacity} trains/day`);
    this.front = this.svg.append("g").attr("class", "front");
    this.dots = this.svg.append("g").selectAll("circle").data(this.nodes).join("circle")
      .attr("class", "node").attr("cx", (n, i) => this.xy[i][0]).attr("cy", (n, i) => this.xy[i][1])
      .attr("r", (n) => 2.5 + Math.sqrt(n.vp || 0))
      .on("click", (ev, n) => this.onRegion(n.id));
    this.dots.append("title").text((n) => `${n.name} (${n.id})`);
    this.route = this.svg.append("path").attr("class", "route");
    this.marks = this.svg.append("g").attr("class", "marks");
    if (this.zones.length) {
      this.landings = this.svg.append("g").attr("class", "landings");
      this.fleets = this.svg.append("g").attr("class", "fleets");
    }
    // names above the markers, so a crowded city stays readable
    this.labels = this.svg.append("g").selectAll("text")
      .data(this.nodes.filter((n) => n.vp > 0)).join("text")
      .attr("class", "label").attr("x", (n) => this.xy[this.index.get(n.id)][0] + 5)
      .attr("y", (n) => this.xy[this.index.get(n.id)][1] - 5).text((n) => n.name);
    this.hl = this.svg.append("circle").attr("class", "highlight").attr("r", 16).style("display", "none");
    this.svg.append("text").attr("class", "credit").attr("x", W - 8).attr("y", H - 8)
      .attr("text-anchor", "end").text("Borders: Natural Earth (public domain) via world-atlas");
    if (this.zones.length) this.seaKey();
  }

  // the sea zones (under the links and markers): a disc per zone at its centre, filled by
  // setSea; dotted ties to the coastal regions it borders; its name at its centre
  drawSeaZones(defs, uid) {
    const stripes = (id, colour, back) => {
      const p = defs.append("pattern").attr("id", id).attr("patternUnits", "userSpaceOnUse")
        .attr("width", 8).attr("height", 8).attr("patternTransform", "rotate(45)");
      p.append("rect").attr("width", 8).attr("height", 8).attr("fill", back);
      p.append("rect").attr("width", 3.5).attr("height", 8).attr("fill", colour);
    };
    this.iceFill = `url(#seaice${uid})`; this.contestedFill = `url(#seacontested${uid})`;
    stripes(`seaice${uid}`, "#9aa4ab", "#f4f7f9");
    stripes(`seacontested${uid}`, "#c0392b", "#f4f7f9");
    const ties = [];
    this.zones.forEach((z, i) => z.coast.forEach((c) => {
      if (this.index.has(c)) ties.push([this.zxy[i], this.xy[this.index.get(c)]]);
    }));
    this.svg.append("g").selectAll("line").data(ties).join("line").attr("class", "seacoast")
      .attr("x1", (t) => t[0][0]).attr("y1", (t) => t[0][1]).attr("x2", (t) => t[1][0]).attr("y2", (t) => t[1][1]);
    this.seazones = this.svg.append("g").selectAll("g").data(this.zones).join("g")
      .attr("class", "seazone").attr("data-zone", (z) => z.id)
      .attr("transform", (z, i) => `translate(${this.zxy[i][0]},${this.zxy[i][1]})`);
    // who holds a zone is not known until setSea says
    this.seazones.append("circle").attr("r", 30).attr("fill", "#f4f7f9");
    this.seazones.append("text").attr("class", "zonelabel").attr("y", -8).text((z) => z.name);
    this.seazones.append("title").text((z) => z.name);
  }

  // the key to the sea, bottom left: two rows
  seaKey() {
    const k = this.svg.append("g").attr("class", "seakey").attr("transform", "translate(8,594)");
    k.append("rect").attr("class", "keybox").attr("width", 392).attr("height", 38);
    const disc = (x, y, fill, text) => {
      k.append("circle").attr("class", "keydisc").attr("cx", x).attr("cy", y).attr("r", 6).attr("fill", fill);
      k.append("text").attr("x", x + 10).attr("y", y + 3.5).text(text);
    };
    disc(12, 11, "#bbb", "sea zone: its controller's colour");
    disc(192, 11, this.contestedFill, "contested");
    disc(272, 11, this.iceFill, "closed by ice");
    k.append("g").attr("class", "fleet").attr("transform", "translate(12,27)")
      .call((f) => { f.append("circle").attr("r", 7).attr("fill", "#bbb"); f.append("path").attr("d", Stavka.Map.SHIP); });
    k.append("text").attr("x", 22).attr("y", 30.5).text("fleet, ships afloat");
    k.append("path").attr("class", "keyarrow").attr("d", "M186,27h22");
    k.append("path").attr("class", "keyarrow head").attr("d", "M216,27l-9,-5v10z");
    k.append("text").attr("x", 222).attr("y", 30.5).text("landing, with its date");
  }

  // sea: {control: [side id or null per zone], state: ["held"|"contested"|"ice"|"open"
  // per zone], fleets: [{id, name, side, zone, ships, classes, air}] (afloat),
  // landings: [{id, side, zone, target, date, men}]} (stavka.chronicle.cartography.sea_snapshot)
  setSea(sea) {
    if (!this.zones.length) return;
    const fill = (z, i) => {
      const st = sea.state[i];
      if (st === "ice") return this.iceFill;
      if (st === "contested") return this.contestedFill;
      return sea.control[i] ? this.colour(sea.control[i]) : "#f4f7f9";
    };
    this.seazones.attr("data-control", (z, i) => sea.control[i] || "").attr("data-state", (z, i) => sea.state[i])
      .attr("class", (z, i) => "seazone " + sea.state[i]);
    this.seazones.select("circle").attr("fill", fill);
    this.seazones.select("title").text((z, i) => `${z.name}: ` + ({ held: `controlled by ${sea.control[i]}`,
      contested: "contested", ice: "closed by ice", open: "controlled by no one" }[sea.state[i]]));
    // fleets: a row under the zone's name, one symbol each
    const slot = new Map();
    const fl = sea.fleets.filter((f) => this.zoneIndex.has(f.zone)).map((f) => {
      const k = slot.get(f.zone) || 0; slot.set(f.zone, k + 1); return Object.assign({ slot: k }, f);
    });
    const sel = this.fleets.selectAll("g.fleet").data(fl, (f) => f.id).join((enter) => {
      const g = enter.append("g").attr("class", "fleet");
      g.append("circle").attr("r", 8.5); g.append("path").attr("d", Stavka.Map.SHIP);
      g.append("text").attr("class", "ships").attr("x", 11).attr("y", 4); g.append("title");
      return g;
    });
    sel.attr("data-fleet", (f) => f.id).attr("data-side", (f) => f.side).attr("data-zone", (f) => f.zone)
      .attr("transform", (f) => {
        const [x, y] = this.zxy[this.zoneIndex.get(f.zone)], n = slot.get(f.zone);
        return `translate(${x - (n - 1) * 17 + f.slot * 34 - 5},${y + 9})`;
      });
    sel.select("circle").attr("fill", (f) => this.colour(f.side));
    // ships afloat; under half a ship "<1"; a fleet of air groups alone "air"
    sel.select("text").text((f) => f.ships || (Object.keys(f.classes || {}).length ? "<1" : "air"));
    sel.select("title").text((f) => `${f.name || f.id} (${f.side})` + (f.classes ? ": " +
      Object.entries(f.classes).map(([c, n]) => `${n} ${c}${n === 1 ? "" : "s"}`).join(", ") : "") +
      (f.air ? `, ${f.air} air group${f.air === 1 ? "" : "s"}` : ""));
    // landings: an arrow from the zone's disc to the region landed on, with its date
    const ld = sea.landings.filter((l) => this.zoneIndex.has(l.zone) && this.index.has(l.target));
    const seen = new Map();
    const geom = (l) => {
      const [x1, y1] = this.zxy[this.zoneIndex.get(l.zone)], [x2, y2] = this.xy[this.index.get(l.target)];
      const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1, ux = dx / len, uy = dy / len;
      const a = [x1 + ux * Math.min(30, len / 3), y1 + uy * Math.min(30, len / 3)], b = [x2 - ux * 7, y2 - uy * 7];
      const k = seen.get(l.target) || 0; seen.set(l.target, k + 1);
      return { a, b, ux, uy, k };
    };
    const arrows = this.landings.selectAll("g.landing").data(ld.map((l) => Object.assign(geom(l), l)))
      .join((enter) => {
        const g = enter.append("g").attr("class", "landing");
        g.append("path").attr("class", "landing"); g.append("path").attr("class", "arrowhead");
        g.append("text").attr("class", "landingdate"); g.append("title");
        return g;
      });
    arrows.attr("data-landing", (l) => l.id).attr("data-target", (l) => l.target).attr("data-side", (l) => l.side);
    arrows.select("path.landing").attr("stroke", (l) => this.colour(l.side))
      .attr("d", (l) => `M${l.a[0]},${l.a[1]}L${l.b[0] - l.ux * 8},${l.b[1] - l.uy * 8}`);
    arrows.select("path.arrowhead").attr("fill", (l) => this.colour(l.side)).attr("d", (l) => {
      const [x, y] = l.b, bx = x - l.ux * 12, by = y - l.uy * 12;
      return `M${x},${y}L${bx - l.uy * 6},${by + l.ux * 6}L${bx + l.uy * 6},${by - l.ux * 6}Z`;
    });
    arrows.select("text").attr("x", (l) => (l.a[0] + l.b[0]) / 2 + 6).attr("y", (l) => (l.a[1] + l.b[1]) / 2 + 12 * l.k)
      .text((l) => `landing ${l.date}`);
    arrows.select("title").text((l) => `${l.side} lands at ${l.target} from ${l.zone} on ${l.date}` +
      (l.men ? `: ${l.men.toLocaleString()} men` : ""));
  }

  // owner: array of side ids per node (in node order)
  setOwners(owner) {
    this.owner = owner;
    this.cells.attr("fill", (n, i) => this.colour(owner[i])).attr("data-owner", (n, i) => owner[i]);
    this.dots.attr("fill", (n, i) => this.colour(owner[i]));
    const segs = [];
    for (const e of this.geo.edges) {
      if (e.kind === "sea") continue;
      const a = this.index.get(e.a), b = this.index.get(e.b);
      if (this.alliance(owner[a]) === this.alliance(owner[b])) continue;
      const [x1, y1] = this.xy[a], [x2, y2] = this.xy[b];
      const mx = (x1 + x2) / 2, my = (y1 + y2) / 2, dx = x2 - x1, dy = y2 - y1;
      const len = Math.hypot(dx, dy) || 1, h = Math.min(18, len * 0.45);
      segs.push([mx - dy / len * h, my + dx / len * h, mx + dy / len * h, my - dx / len * h]);
    }
    this.front.selectAll("line").data(segs).join("line")
      .attr("x1", (s) => s[0]).attr("y1", (s) => s[1]).attr("x2", (s) => s[2]).attr("y2", (s) => s[3]);
  }

  // forms: [{id, side, kind, loc, men, encircled, supply, rail}]; one marker per region and side
  setFormations(forms) {
    const groups = new Map();
    for (const f of forms) {
      if (f.rail) continue;
      const k = f.loc + "|" + f.side;
      if (!groups.has(k)) groups.set(k, { loc: f.loc, side: f.side, men: 0, n: 0, armour: 0, enc: false, lowsup: false });
      const g = groups.get(k);
      g.men += f.men; g.n += 1; g.armour += (f.kind === "armour" || f.kind === "motorised") ? 1 : 0;
      g.enc = g.enc || f.encircled; g.lowsup = g.lowsup || f.supply < 0.3;
    }
    const data = [...groups.values()];
    const perNode = new Map();
    for (const g of data) { g.slot = perNode.get(g.loc) || 0; perNode.set(g.loc, g.slot + 1); }
    const sel = this.marks.selectAll("g.unit").data(data, (g) => g.loc + "|" + g.side)
      .join((enter) => {
        const u = enter.append("g").attr("class", "unit");
        u.append("rect"); u.append("path"); u.append("text"); u.append("title");
        return u;
      });
    sel.attr("data-side", (g) => g.side).attr("data-loc", (g) => g.loc)
      .attr("transform", (g) => {
        const [x, y] = this.xy[this.index.get(g.loc)];
        return `translate(${x + 6 + g.slot * 6},${y + 4 + g.slot * 8})`;
      })
      .on("click", (ev, g) => this.onRegion(g.loc));
    const size = (g) => 7 + Math.min(16, Math.sqrt(g.men) / 40);
    sel.select("rect").attr("x", (g) => -size(g)).attr("y", (g) => -size(g) * 0.65)
      .attr("width", (g) => 2 * size(g)).attr("height", (g) => 1.3 * size(g))
      .attr("fill", (g) => this.colour(g.side))
      .attr("class", (g) => (g.enc ? "enc " : "") + (g.lowsup ? "lowsup" : ""));
    // NATO frame: X for infantry, an oval for armour/motorised
    sel.select("path").attr("d", (g) => {
      const w = size(g), h = size(g) * 0.65;
      if (g.armour * 2 >= g.n) return `M${-w * 0.6},0 a${w * 0.6},${h * 0.55} 0 1,0 ${w * 1.2},0 a${w * 0.6},${h * 0.55} 0 1,0 ${-w * 1.2},0`;
      return `M${-w},${-h} L${w},${h} M${-w},${h} L${w},${-h}`;
    });
    sel.select("text").attr("y", (g) => size(g) * 0.65 + 9).text((g) => g.n > 1 ? g.n : "");
    sel.select("title").text((g) => `${g.side} at ${g.loc}: ${g.n} formation(s), ${g.men.toLocaleString()} men` +
      (g.enc ? ", ENCIRCLED" : "") + (g.lowsup ? ", short of supply" : ""));
  }

  highlight(id) {
    if (!id || !this.index.has(id)) { this.hl.style("display", "none"); return; }
    const [x, y] = this.xy[this.index.get(id)];
    this.hl.attr("cx", x).attr("cy", y).style("display", null);
  }

  // a rail route: region ids in order (empty: none)
  showRoute(ids) {
    const pts = (ids || []).filter((id) => this.index.has(id)).map((id) => this.xy[this.index.get(id)]);
    this.route.attr("d", pts.length > 1 ? "M" + pts.map((p) => p.join(",")).join("L") : null);
  }

  markTargets(ids) {
    const s = new Set(ids || []);
    this.dots.classed("target", (n) => s.has(n.id));
  }
};

// a naval symbol: a hull with a superstructure and a mast, in a circle of the side's colour
Stavka.Map.SHIP = "M-6,1L6,1L4,4.5L-4,4.5Z M-2.5,1V-2.5H2V1 M0,-2.5V-6";

// The map of a scenario (geometry `geo`, borders `world`), fitted to its largest front,
// with buttons to fit it to each front or to the whole theatre (in `buttons`, an element,
// if given); `redraw(map)` is called after each refit. Returns the first map.
Stavka.mapWithFronts = function (svg, geo, world, opts, buttons, redraw) {
  const count = {};
  for (const n of geo.nodes) count[n.front] = (count[n.front] || 0) + 1;
  const fronts = Object.keys(count).sort((a, b) => count[b] - count[a]);
  const first = new Stavka.Map(svg, geo, world, Object.assign({}, opts, { focus: fronts[0] }));
  if (buttons) {
    buttons.innerHTML = [...fronts, ""].map((f) =>
      `<button type="button" class="focus" data-front="${Stavka.esc(f)}">${f ? Stavka.esc(f) + " front" : "whole theatre"}</button>`).join(" ");
    buttons.querySelectorAll("button").forEach((b) => b.onclick = () => {
      const m = new Stavka.Map(svg, geo, world, Object.assign({}, opts, { focus: b.dataset.front }));
      if (redraw) redraw(m);
    });
  }
  return first;
};

// The same, for a scenario of the server (its geometry and the vendored borders fetched).
Stavka.loadMap = async function (svg, scenario, opts, buttons, redraw) {
  const [geo, world] = await Promise.all([
    Stavka.api(`/api/scenarios/${encodeURIComponent(scenario)}/map`),
    fetch("/vendor/countries-50m.json").then((r) => r.json()),
  ]);
  return Stavka.mapWithFronts(svg, geo, world, opts, buttons, redraw);
};

Stavka.eventText = function (e) {
  const v = e.values || {};
  if (v.text) return v.text;
  const who = (e.subjects || []).length ? ` (${e.subjects.length} formation${e.subjects.length > 1 ? "s" : ""})` : "";
  switch (e.kind) {
    case "capture": return `${e.side} takes ${e.place}${who}`;
    case "battle": return `battle at ${e.place}: ${e.side} attacks` + (v.attacker_men ? `, ${Math.round(v.attacker_men).toLocaleString()} against ${Math.round(v.defender_men).toLocaleString()} men` : "");
    case "retreat": return `${e.side} falls back from ${e.place}` + (v.to ? ` to ${v.to}` : "") + who;
    case "encircled": return `${e.side} encircled at ${e.place}${who}`;
    case "surrender": return `${e.side} surrenders at ${e.place}${who}`;
    case "rail_depart": return `${e.side} entrains at ${e.place} for ${v.to || "?"}`;
    case "rail_arrive": return `${e.side} arrives by rail at ${e.place}`;
    case "weather": return `${v.zone || e.place}: ground ${v.ground || ""}`;
    // the sea (stavka.engine.phases.naval; the report's chronicle words them at length)
    case "fleet_move": return `${e.side} fleet ${(e.subjects || []).join(", ")} sails to ${v.zone}`;
    case "fleet_move_refused": return `${e.side} fleet ${(e.subjects || []).join(", ")} stays: ${v.reason || "refused"}`;
    case "sea_control": return e.side ? `${e.side} controls ${v.zone}` : `control of ${v.zone} lost` + (v.reason ? ` (${v.reason})` : "");
    case "naval_battle": return `naval battle in ${v.zone}: ${(e.subjects || []).join(" against ")}`;
    case "landing": return `${e.side} lands at ${e.place} from ${v.zone}` + (v.men ? `, ${Math.round(v.men).toLocaleString()} men` : "");
    case "landing_refused": return `no landing at ${e.place} today: ${v.reason || "refused"}`;
    case "strike": return `strike on ${e.place}${v.to ? "-" + v.to : ""}`;
    case "partisans": return `${e.side} partisans raised around ${e.place}: ${v.detachments} detachments`;
    case "partisans_hunted": return `${e.side} partisans hunted around ${e.place}: ${v.left} left`;
    default: return `${e.kind}${e.place ? " at " + e.place : ""}${e.side ? " (" + e.side + ")" : ""}${who}`;
  }
};
