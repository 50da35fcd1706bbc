// narcwatch workbench: the actor graph made interactive (our own script, no library).
// The server draws the SVG; each node has data-node and each edge data-a/data-b. Here:
// drag or arrow keys pan, the wheel or +/- zoom, 0 resets; selecting a node (click,
// Enter or Space) highlights it and its neighbours and shows its details. Esc clears.
"use strict";

function setupGraph() {
  const svg = document.querySelector("svg.graph");
  const details = document.getElementById("graph-details");
  if (!svg || !details) return;
  const home = svg.getAttribute("viewBox").split(/[\s,]+/).map(Number);
  let box = home.slice();
  const nodes = new Map(Array.from(svg.querySelectorAll("[data-node]")).map((n) => [n.dataset.node, n]));
  const edges = Array.from(svg.querySelectorAll("line.edge"));
  const near = new Map();
  edges.forEach((e) => {
    [[e.dataset.a, e.dataset.b], [e.dataset.b, e.dataset.a]].forEach(([a, b]) => {
      if (!near.has(a)) near.set(a, new Set());
      near.get(a).add(b);
    });
  });
  const status = document.getElementById("graph-status");

  function show() {
    svg.setAttribute("viewBox", box.map((v) => v.toFixed(1)).join(" "));
    svg.dataset.zoom = (home[2] / box[2]).toFixed(2);
  }
  function zoom(factor, cx, cy) {
    const w = Math.min(home[2] * 4, Math.max(home[2] / 8, box[2] / factor));
    const h = w * home[3] / home[2];
    const x = cx === undefined ? box[0] + box[2] / 2 : cx;
    const y = cy === undefined ? box[1] + box[3] / 2 : cy;
    box = [x - (x - box[0]) * w / box[2], y - (y - box[1]) * h / box[3], w, h];
    show();
  }
  function pan(dx, dy) { box[0] += dx; box[1] += dy; show(); }
  function label(id) { return nodes.get(id).getAttribute("aria-label"); }

  function clear() {
    svg.classList.remove("focused");
    svg.querySelectorAll(".selected, .near").forEach((n) => n.classList.remove("selected", "near"));
    details.replaceChildren(Object.assign(document.createElement("p"), {
      className: "hint", textContent: "Select a node to see its neighbours." }));
    delete svg.dataset.selected;
  }
  function select(id) {
    clear();
    const node = nodes.get(id);
    const around = near.get(id) || new Set();
    svg.classList.add("focused");
    node.classList.add("selected");
    around.forEach((n) => nodes.get(n).classList.add("near"));
    edges.forEach((e) => {
      if (e.dataset.a === id || e.dataset.b === id) e.classList.add("near");
    });
    svg.dataset.selected = id;
    // textContent only: labels are captured data, never markup
    const head = document.createElement("h3");
    head.textContent = label(id);
    const kind = document.createElement("p");
    kind.textContent = node.dataset.kind + " · " + around.size + " neighbour(s)";
    const list = document.createElement("ul");
    Array.from(around).sort().forEach((n) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "linkish";
      button.textContent = label(n);
      button.addEventListener("click", () => { select(n); nodes.get(n).focus(); });
      li.append(button);
      list.append(li);
    });
    details.replaceChildren(head, kind, list);
    const href = node.getAttribute("href");
    if (href) {
      const open = document.createElement("a");
      open.href = href;
      open.textContent = "Open this document";
      details.append(open);
    }
    if (status) status.textContent = label(id) + " selected, " + around.size + " neighbours";
  }

  nodes.forEach((node, id) => {
    node.addEventListener("click", (event) => { event.preventDefault(); select(id); });
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        event.stopPropagation();
        select(id);
      }
    });
  });
  const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  svg.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const step = steps[event.key];
    if (step) pan(step[0] * box[2] / 10, step[1] * box[3] / 10);
    else if (event.key === "+" || event.key === "=") zoom(1.25);
    else if (event.key === "-") zoom(0.8);
    else if (event.key === "0") { box = home.slice(); show(); }
    else if (event.key === "Escape") clear();
    else return;
    event.preventDefault();
  });
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const r = svg.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, box[0] + (event.clientX - r.left) * box[2] / r.width,
         box[1] + (event.clientY - r.top) * box[3] / r.height);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.target.closest("[data-node]")) return;
    drag = { x: event.clientX, y: event.clientY };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const scale = box[2] / svg.getBoundingClientRect().width;
    pan((drag.x - event.clientX) * scale, (drag.y - event.clientY) * scale);
    drag = { x: event.clientX, y: event.clientY };
  });
  svg.addEventListener("pointerup", () => { drag = null; });
  document.querySelectorAll("[data-graph-zoom]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const how = button.dataset.graphZoom;
      if (how === "reset") { box = home.slice(); show(); } else zoom(how === "in" ? 1.25 : 0.8);
    });
  });
  svg.setAttribute("tabindex", "0");
  svg.dataset.ready = "1";
  show();
  clear();
}

document.addEventListener("DOMContentLoaded", setupGraph);
