// Builds the interactive view from the JSON embedded in the page (kg/export/html.py).
// Every piece of text from the graph goes through textContent / createTextNode / canvas
// fillText, never innerHTML, so names and sentences from a page cannot inject markup.
// The page speaks Chinese; English names and relation codes are in tooltips.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const styles = data.styles;
  const relations = data.relations || {};
  const MAX_TIP_EVIDENCE = 3;
  const FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";
  const HUB_FONT = 16; // canvas units: a hub's name at zoom 1
  const HUB_MIN_PX = 13; // and never smaller than this on screen, however far out the view is

  function styleOf(type) {
    return styles[type] || styles.OTHER;
  }

  function relName(code) {
    return relations[code] ? relations[code].zh : code;
  }

  function relEnglish(code) {
    const r = relations[code];
    return r ? r.en + " (" + code + ", " + r.property + ")" : code;
  }

  function edgeName(e) {
    return relName(e.rel) + (e.label ? "：" + e.label : "");
  }

  function articleName(index) {
    const a = data.articles[index];
    return [a[0], a[1] ? "《" + a[1] + "》" : ""].filter(Boolean).join(" ");
  }

  function rows(pairs) {
    const box = document.createElement("div");
    box.className = "kg-tip";
    for (const [key, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      const row = document.createElement("div");
      if (key) {
        const b = document.createElement("b");
        b.textContent = key + "：";
        row.appendChild(b);
      }
      row.appendChild(document.createTextNode(String(value)));
      box.appendChild(row);
    }
    return box;
  }

  function nodeTip(n) {
    const st = styleOf(n.type);
    const pairs = [["", n.label], ["类型", st.zh + " " + st.en]];
    if (n.aliases.length) pairs.push(["别名", n.aliases.join("、")]);
    pairs.push(["地点", n.place]);
    n.evidence.slice(0, MAX_TIP_EVIDENCE).forEach(function (s) { pairs.push(["来源", s]); });
    n.named.slice(0, Math.max(0, MAX_TIP_EVIDENCE - n.evidence.length)).forEach(function (m) {
      pairs.push(["提及", articleName(m[0]) + " " + m[1]]);
    });
    return rows(pairs);
  }

  function edgeTip(e) {
    const pairs = [["", edgeName(e)], ["English", relEnglish(e.rel)],
      ["从", data.nodes[e.from].label], ["到", data.nodes[e.to].label]];
    e.evidence.slice(0, MAX_TIP_EVIDENCE).forEach(function (s) { pairs.push(["来源", s]); });
    return rows(pairs);
  }

  // The best-connected entities: vis-network draws no name for them; drawHubNames does, at every zoom.
  const hubs = new Set(data.hubs || []);

  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    const st = styleOf(n.type);
    const item = {
      id: n.id, label: hubs.has(n.id) ? undefined : n.label, type: n.type, shape: st.shape,
      color: { background: st.colour, border: "#333333", highlight: { background: st.colour, border: "#000000" } },
      size: n.size, title: nodeTip(n),
    };
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  }));
  const edges = new vis.DataSet(data.edges.map(function (e) {
    const item = { id: e.id, from: e.from, to: e.to, title: edgeTip(e) };
    if (!data.large) item.label = edgeName(e);
    return item;
  }));

  const linked = new Set();
  for (const e of data.edges) { linked.add(e.from); linked.add(e.to); }
  const isolatedCount = data.nodes.length - linked.size;

  const shownTypes = new Set(data.type_order);
  let focusSet = null;
  let hideIsolated = isolatedCount > 0;
  function nodeVisible(id) {
    if (!shownTypes.has(data.nodes[id].type)) return false;
    if (focusSet !== null) return focusSet.has(id);
    return !(hideIsolated && !linked.has(id));
  }
  const nodesView = new vis.DataView(nodes, { filter: function (n) { return nodeVisible(n.id); } });
  const edgesView = new vis.DataView(edges, { filter: function (e) { return nodeVisible(e.from) && nodeVisible(e.to); } });

  const stabilization = {
    iterations: Math.round(Math.min(300, 30000 / Math.max(1, data.nodes.length))), fit: true,
  };
  const options = {
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 100 },
    // Other names appear once they are readable (8 px on screen), not as grey smudges.
    nodes: { font: { size: 14, face: FONT }, borderWidth: 1, scaling: { label: { drawThreshold: 8 } } },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      color: { color: "#9a9a9a", highlight: "#333333", hover: "#555555" },
      font: { size: 10, align: "middle", face: FONT },
      scaling: { label: { drawThreshold: 8 } },
      smooth: data.large ? false : { type: "continuous" },
    },
    physics: data.large ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 120 },
      stabilization: stabilization,
    },
    interaction: { hover: !data.large, tooltipDelay: 150, hideEdgesOnDrag: data.large, hideEdgesOnZoom: data.large },
  };

  const container = document.getElementById("mynetwork");
  const network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
  // Layouts finished (the first, then one per filter): tests and scripts wait on it. A large
  // graph's first layout is the one computed in Python.
  window.kgLayouts = data.large ? 1 : 0;
  network.on("stabilizationIterationsDone", function () { window.kgLayouts += 1; });
  network.once("afterDrawing", function () {
    window.kgFirstDraw = performance.now();
    window.kgReady = true;
    document.body.setAttribute("data-ready", "1");
  });

  // A hub's name goes below its node, or above, or a line further out, wherever it overlaps no
  // name drawn before it (the best-connected first); when every place overlaps, below.
  function placeName(p, radius, width, size, taken) {
    const gap = 3 / network.getScale();
    const tops = [p.y + radius + gap, p.y - radius - gap - size, p.y + radius + gap + size,
      p.y - radius - gap - 2 * size];
    for (const top of tops) {
      const box = { left: p.x - width / 2, right: p.x + width / 2, top: top, bottom: top + size };
      const clear = taken.every(function (b) {
        return box.right < b.left || box.left > b.right || box.bottom < b.top || box.top > b.bottom;
      });
      if (clear) return box;
    }
    return { left: p.x - width / 2, right: p.x + width / 2, top: tops[0], bottom: tops[0] + size };
  }

  function drawHubNames(ctx) {
    const shown = Array.from(hubs).filter(function (id) { return Boolean(nodesView.get(id)); });
    if (!shown.length) return;
    shown.sort(function (a, b) { return data.nodes[b].size - data.nodes[a].size || a - b; });
    const scale = network.getScale();
    const size = Math.max(HUB_FONT, HUB_MIN_PX / scale);
    const positions = network.getPositions(shown);
    ctx.save();
    ctx.font = "bold " + size + "px " + FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = size / 4;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.fillStyle = "#111111";
    const taken = [];
    for (const id of shown) {
      const label = data.nodes[id].label;
      const box = placeName(positions[id], data.nodes[id].size, ctx.measureText(label).width, size, taken);
      taken.push(box);
      ctx.strokeText(label, (box.left + box.right) / 2, box.top);
      ctx.fillText(label, (box.left + box.right) / 2, box.top);
    }
    ctx.restore();
  }
  network.on("afterDrawing", drawHubNames);

  // Toolbar: counts, the isolated-entity toggle, legend with type filters, notice.
  document.getElementById("kg-stats").textContent =
    data.nodes.length + " 个实体 · " + data.edges.length + " 条关系";
  if (data.notice) {
    const notice = document.getElementById("kg-notice");
    notice.textContent = data.notice;
    notice.title = data.notice_en;
    notice.hidden = false;
  }
  const isolatedBox = document.getElementById("kg-hide-isolated");
  if (isolatedCount > 0) {
    document.getElementById("kg-isolated").hidden = false;
    document.getElementById("kg-isolated-text").textContent = "隐藏无关系的实体（" + isolatedCount + "）";
    isolatedBox.checked = hideIsolated;
    isolatedBox.addEventListener("change", function () { setHideIsolated(isolatedBox.checked); });
  }
  const legend = document.getElementById("kg-legend");
  data.type_order.forEach(function (type) {
    const st = styleOf(type);
    const label = document.createElement("label");
    label.title = st.en + " (" + type + ")";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = type;
    box.className = "kg-type-filter";
    box.addEventListener("change", function () { setType(type, box.checked); });
    const swatch = document.createElement("span");
    swatch.className = "kg-swatch";
    swatch.style.background = st.colour;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(st.zh + "（" + data.type_counts[type] + "）"));
    legend.appendChild(label);
  });

  function refresh() {
    nodesView.refresh();
    edgesView.refresh();
  }

  // After a filter the remaining entities are laid out again and fitted to the window;
  // then ``done``, if given, runs.
  function relayout(done) {
    if (data.large) {
      network.fit({ animation: false });
      window.kgLayouts += 1;
      if (done) done();
    } else {
      if (done) network.once("stabilizationIterationsDone", done);
      network.stabilize(stabilization.iterations);
    }
  }

  function setType(type, on) {
    if (on) shownTypes.add(type); else shownTypes.delete(type);
    refresh();
    relayout();
  }

  function setHideIsolated(on) {
    hideIsolated = on;
    isolatedBox.checked = on;
    refresh();
    relayout();
  }

  function neighbourhood(id, depth) {
    const seen = new Set([id]);
    let frontier = [id];
    for (let step = 0; step < depth; step++) {
      const next = [];
      for (const current of frontier) {
        for (const other of network.getConnectedNodes(current)) {
          if (!seen.has(other)) { seen.add(other); next.push(other); }
        }
      }
      frontier = next;
    }
    return seen;
  }

  function focusNeighbourhood(id, depth) {
    focusSet = null;
    refresh();
    focusSet = neighbourhood(id, depth === undefined ? 1 : depth);
    refresh();
    relayout();
    selectNode(id, false);
  }

  function showAll() {
    focusSet = null;
    refresh();
    relayout();
  }

  function showDetails(id) {
    const n = data.nodes[id];
    const st = styleOf(n.type);
    const panel = document.getElementById("kg-details");
    panel.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = n.label;
    panel.appendChild(h);
    const dl = document.createElement("dl");
    function add(key, english, values) {
      if (!values.length) return;
      const dt = document.createElement("dt");
      dt.textContent = key;
      dt.title = english;
      dl.appendChild(dt);
      for (const v of values) {
        const dd = document.createElement("dd");
        if (Array.isArray(v)) {
          const source = document.createElement("span");
          source.className = "kg-source";
          source.textContent = articleName(v[0]);
          dd.appendChild(source);
          dd.appendChild(document.createTextNode(v[1]));
        } else {
          dd.textContent = v;
        }
        dl.appendChild(dd);
      }
    }
    add("类型", "Type", [st.zh + " " + st.en]);
    add("别名", "Aliases", n.aliases);
    add("地点", "Place", n.place ? [n.place] : []);
    add("IRI", "IRI", [n.iri]);
    add("来源句子", "Sentences its relations were read from", n.evidence);
    add("提及之处", "Where it is named: sentences of its mentions, with the article's date and title", n.named);
    panel.appendChild(dl);
    const only = document.createElement("button");
    only.type = "button";
    only.id = "kg-neighbourhood";
    only.textContent = "只显示它的邻域";
    only.title = "Show only its neighbourhood";
    only.addEventListener("click", function () { focusNeighbourhood(id, 1); });
    panel.insertBefore(only, dl);
  }

  // Selects an entity, showing it first if a filter hides it (the graph is then laid out again,
  // and the view moves to the entity once the layout is done).
  function selectNode(id, move) {
    function show() {
      network.selectNodes([id]);
      if (move !== false) network.focus(id, { scale: 1.0, animation: false });
    }
    showDetails(id);
    if (nodeVisible(id)) { show(); return; }
    focusSet = null;
    shownTypes.add(data.nodes[id].type);
    syncBoxes();
    if (hideIsolated && !linked.has(id)) { hideIsolated = false; isolatedBox.checked = false; }
    refresh();
    network.selectNodes([id]);
    relayout(show);
  }

  function syncBoxes() {
    document.querySelectorAll(".kg-type-filter").forEach(function (b) { b.checked = shownTypes.has(b.value); });
  }

  // Search: exact name, then alias, then substring (case-insensitive); the first hit is selected.
  // kg html --focus finds an entity by the same rules (kg.export.html.find_node).
  function search(query) {
    const q = query.trim().toLowerCase();
    const results = document.getElementById("kg-results");
    results.replaceChildren();
    if (!q) return [];
    const exact = [], alias = [], partial = [];
    for (const n of data.nodes) {
      const name = n.label.toLowerCase();
      if (name === q) exact.push(n.id);
      else if (n.aliases.some(function (a) { return a.toLowerCase() === q; })) alias.push(n.id);
      else if (name.includes(q) || n.aliases.some(function (a) { return a.toLowerCase().includes(q); })) partial.push(n.id);
    }
    const hits = exact.concat(alias, partial);
    hits.slice(0, 50).forEach(function (id) {
      const li = document.createElement("li");
      li.textContent = data.nodes[id].label + " · " + styleOf(data.nodes[id].type).zh;
      li.addEventListener("click", function () { selectNode(id); });
      results.appendChild(li);
    });
    if (hits.length) selectNode(hits[0]);
    else {
      const li = document.createElement("li");
      li.textContent = "没有名称或别名含“" + query + "”的实体";
      results.appendChild(li);
    }
    return hits;
  }

  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("kg-search").value);
  });
  document.getElementById("kg-show-all").addEventListener("click", showAll);
  network.on("click", function (p) { if (p.nodes.length) showDetails(p.nodes[0]); });
  network.on("doubleClick", function (p) { if (p.nodes.length) focusNeighbourhood(p.nodes[0], 1); });

  window.network = network;
  window.kg = { network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    search: search, setType: setType, setHideIsolated: setHideIsolated, focusNeighbourhood: focusNeighbourhood,
    showAll: showAll, selectNode: selectNode };
})();
