// Builds the interactive view from the JSON embedded in the page (kg/export_html.py).
// Every piece of text from the graph goes through textContent / createTextNode,
// never innerHTML, so names and sentences from a page cannot inject markup.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const styles = data.styles;
  const MAX_TIP_EVIDENCE = 3;

  function styleOf(type) {
    return styles[type] || styles.OTHER;
  }

  function rows(pairs) {
    const box = document.createElement("div");
    box.className = "kg-tip";
    for (const [key, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      const row = document.createElement("div");
      if (key) {
        const b = document.createElement("b");
        b.textContent = key + ": ";
        row.appendChild(b);
      }
      row.appendChild(document.createTextNode(String(value)));
      box.appendChild(row);
    }
    return box;
  }

  function nodeTip(n) {
    const pairs = [["", n.label], ["Type", n.type]];
    if (n.aliases.length) pairs.push(["Aliases", n.aliases.join("、")]);
    pairs.push(["Place", n.place]);
    n.evidence.slice(0, MAX_TIP_EVIDENCE).forEach(function (s) { pairs.push(["Source", s]); });
    return rows(pairs);
  }

  function edgeTip(e) {
    const pairs = [["", e.rel + (e.label ? " (" + e.label + ")" : "")],
      ["From", data.nodes[e.from].label], ["To", data.nodes[e.to].label]];
    e.evidence.slice(0, MAX_TIP_EVIDENCE).forEach(function (s) { pairs.push(["Source", s]); });
    return rows(pairs);
  }

  const nodes = new vis.DataSet(data.nodes.map(function (n) {
    const st = styleOf(n.type);
    const item = {
      id: n.id, label: n.label, type: n.type, shape: st.shape,
      color: { background: st.colour, border: "#333333", highlight: { background: st.colour, border: "#000000" } },
      size: n.size, title: nodeTip(n),
    };
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  }));
  const edges = new vis.DataSet(data.edges.map(function (e) {
    const item = { id: e.id, from: e.from, to: e.to, title: edgeTip(e) };
    if (!data.large) item.label = e.rel + (e.label ? " " + e.label : "");
    return item;
  }));

  const shownTypes = new Set(data.type_order);
  let focusSet = null;
  function nodeVisible(id) {
    return shownTypes.has(data.nodes[id].type) && (focusSet === null || focusSet.has(id));
  }
  const nodesView = new vis.DataView(nodes, { filter: function (n) { return nodeVisible(n.id); } });
  const edgesView = new vis.DataView(edges, { filter: function (e) { return nodeVisible(e.from) && nodeVisible(e.to); } });

  const options = {
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 100 },
    nodes: { font: { size: 14, face: "Noto Sans CJK SC, sans-serif" }, borderWidth: 1 },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      color: { color: "#9a9a9a", highlight: "#333333", hover: "#555555" },
      font: { size: 10, align: "middle", face: "Noto Sans CJK SC, sans-serif" },
      smooth: data.large ? false : { type: "continuous" },
    },
    physics: data.large ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 120 },
      stabilization: { iterations: Math.round(Math.min(300, 30000 / Math.max(1, data.nodes.length))), fit: true },
    },
    interaction: { hover: !data.large, tooltipDelay: 150, hideEdgesOnDrag: data.large, hideEdgesOnZoom: data.large },
  };

  const container = document.getElementById("mynetwork");
  const network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
  network.once("afterDrawing", function () {
    window.kgFirstDraw = performance.now();
    window.kgReady = true;
    document.body.setAttribute("data-ready", "1");
  });

  // Toolbar: counts, legend with type filters, notice.
  document.getElementById("kg-stats").textContent =
    data.nodes.length + " entities · " + data.edges.length + " relations";
  if (data.notice) {
    const notice = document.getElementById("kg-notice");
    notice.textContent = data.notice;
    notice.hidden = false;
  }
  const legend = document.getElementById("kg-legend");
  data.type_order.forEach(function (type) {
    const st = styleOf(type);
    const label = document.createElement("label");
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
    label.appendChild(document.createTextNode(st.legend + " (" + data.type_counts[type] + ")"));
    legend.appendChild(label);
  });

  function refresh() {
    nodesView.refresh();
    edgesView.refresh();
  }

  function setType(type, on) {
    if (on) shownTypes.add(type); else shownTypes.delete(type);
    refresh();
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
    network.fit({ nodes: Array.from(focusSet), animation: false });
    selectNode(id, false);
  }

  function showAll() {
    focusSet = null;
    refresh();
    network.fit({ animation: false });
  }

  function showDetails(id) {
    const n = data.nodes[id];
    const panel = document.getElementById("kg-details");
    panel.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = n.label;
    panel.appendChild(h);
    const dl = document.createElement("dl");
    function add(key, values) {
      if (!values.length) return;
      const dt = document.createElement("dt");
      dt.textContent = key;
      dl.appendChild(dt);
      for (const v of values) {
        const dd = document.createElement("dd");
        dd.textContent = v;
        dl.appendChild(dd);
      }
    }
    add("Type", [n.type]);
    add("Aliases", n.aliases);
    add("Place", n.place ? [n.place] : []);
    add("IRI", [n.iri]);
    add("Source sentences", n.evidence);
    panel.appendChild(dl);
    const only = document.createElement("button");
    only.type = "button";
    only.id = "kg-neighbourhood";
    only.textContent = "Show only its neighbourhood";
    only.addEventListener("click", function () { focusNeighbourhood(id, 1); });
    panel.insertBefore(only, dl);
  }

  function selectNode(id, move) {
    if (!nodeVisible(id)) { focusSet = null; shownTypes.add(data.nodes[id].type); syncBoxes(); refresh(); }
    network.selectNodes([id]);
    if (move !== false) network.focus(id, { scale: 1.0, animation: false });
    showDetails(id);
  }

  function syncBoxes() {
    document.querySelectorAll(".kg-type-filter").forEach(function (b) { b.checked = shownTypes.has(b.value); });
  }

  // Search: exact name, then alias, then substring (case-insensitive); the first hit is selected.
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
      li.textContent = data.nodes[id].label + " · " + data.nodes[id].type;
      li.addEventListener("click", function () { selectNode(id); });
      results.appendChild(li);
    });
    if (hits.length) selectNode(hits[0]);
    else {
      const li = document.createElement("li");
      li.textContent = "No entity matches “" + query + "”";
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
    search: search, setType: setType, focusNeighbourhood: focusNeighbourhood, showAll: showAll, selectNode: selectNode };
})();
