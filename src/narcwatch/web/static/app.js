// narcwatch workbench: keyboard triage in the review queue, the alerts inbox's live
// updates (Server-Sent Events) and charts saved as PNG. Everything else works without
// script (forms post, pages reload).
"use strict";

function csrf() { return document.getElementById("main").dataset.csrf; }

function setupQueue() {
  const rows = Array.from(document.querySelectorAll("table.queue tr[data-doc]"));
  if (!rows.length) return;
  const status = document.getElementById("triage-status");
  let at = 0;
  function select(i) {
    rows[at].classList.remove("current");
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows[at].classList.add("current");
    rows[at].focus({ preventScroll: false });
  }
  async function decide(decision) {
    const row = rows[at];
    const body = new URLSearchParams({ decision: decision, csrf: csrf() });
    const response = await fetch("/review/" + row.dataset.doc, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf() },
    });
    if (!response.ok) {
      status.textContent = "Not recorded: " + ((await response.json()).error || response.status);
      return;
    }
    const badge = row.querySelector(".badge");
    badge.textContent = decision;
    badge.className = "badge badge-" + decision;
    row.dataset.decision = decision;
    status.textContent = decision + " recorded";
    select(at + 1);
  }
  rows[0].classList.add("current");
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, select, textarea")) return;
    const keys = { j: () => select(at + 1), k: () => select(at - 1),
                   c: () => decide("confirm"), d: () => decide("dismiss"), e: () => decide("escalate") };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
    else if (event.key === "Enter" && target === rows[at]) {
      window.location = rows[at].querySelector("a").href;
    }
  });
  rows.forEach((row, i) => row.addEventListener("click", () => select(i)));
}

function cell(text, href, cls) {
  const td = document.createElement("td");
  if (cls) td.className = cls;
  if (href) { const a = document.createElement("a"); a.href = href; a.textContent = text; td.append(a); }
  else td.textContent = text;  // textContent: alert values are data, never markup
  return td;
}

function alertRow(a) {
  const tr = document.createElement("tr");
  tr.className = "new";
  const org = cell(a.other_org + " ");
  const tlp = document.createElement("span");
  tlp.className = "tlp tlp-" + String(a.other_tlp).toLowerCase().replace("+", "-");
  tlp.textContent = "TLP:" + a.other_tlp;
  org.append(tlp);
  if (a.contact) {
    const small = document.createElement("small");
    small.textContent = a.contact;
    org.append(document.createElement("br"), small);
  }
  tr.append(cell(a.created.slice(0, 16).replace("T", " "), null, "nowrap"),
            cell(a.title || a.incident, "/incidents/" + encodeURIComponent(a.incident)),
            cell(a.match_kind + ": " + a.match_value, null, "wrap"), org,
            a.other ? cell(a.other.title, "/incidents/" + encodeURIComponent(a.other.id))
                    : cell("not visible to you: ask " + a.other_org),
            cell("Ask " + a.other_org, "/alerts/" + encodeURIComponent(a.id) + "/messages"));
  return tr;
}

// The inbox listens to the server's alert stream (Server-Sent Events, authenticated by
// the session cookie; the browser resumes after the last event id when it reconnects).
// Only where EventSource is missing or cannot connect at all does the page poll.
function setupAlerts() {
  const table = document.getElementById("alerts");
  if (!table) return;
  const status = document.getElementById("alerts-status");
  const body = table.querySelector("tbody");
  let fresh = 0;
  function add(a) {
    if (a.id <= Number(table.dataset.after)) return;  // shown already
    const empty = body.querySelector("tr.empty");
    if (empty) empty.remove();
    body.prepend(alertRow(a));
    table.dataset.after = String(a.id);
    fresh += 1;
    status.textContent = fresh + " new alert(s)";
  }
  function ended() {
    table.dataset.live = "ended";
    status.textContent = "Your session has ended: log in again to see new alerts.";
  }
  async function poll() {
    try {
      const response = await fetch(table.dataset.poll + "?after=" + table.dataset.after,
                                   { headers: { "Accept": "application/json" } });
      const json = (response.headers.get("content-type") || "").includes("application/json");
      if (response.redirected || response.status === 401 || !json) { ended(); return; }
      if (response.ok) (await response.json()).items.forEach(add);
    } catch (error) {
      status.textContent = "Cannot reach the server; retrying.";
    }
    window.setTimeout(poll, 3000);
  }
  function fallback() {
    table.dataset.live = "poll";
    window.setTimeout(poll, 3000);
  }
  if (!window.EventSource) { fallback(); return; }
  table.dataset.live = "connecting";
  const source = new EventSource(table.dataset.stream + "?after=" + table.dataset.after);
  source.addEventListener("open", () => { table.dataset.live = "sse"; });
  source.addEventListener("alert", (event) => add(JSON.parse(event.data)));
  source.addEventListener("end", () => { source.close(); ended(); });
  source.addEventListener("error", () => {
    // CONNECTING: the browser retries by itself (with Last-Event-ID); CLOSED: it gave up.
    if (source.readyState === EventSource.CLOSED) fallback();
  });
}

// "PNG" beside each chart: the served SVG drawn on a canvas at twice its size, on white,
// and saved; nothing leaves the page (a data: image, a blob: link).
async function chartPng(button) {
  const response = await fetch(button.dataset.svg, { credentials: "same-origin" });
  if (!response.ok) throw new Error("chart not served (" + response.status + ")");
  const svg = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
  const box = (svg.getAttribute("viewBox") || "0 0 900 320").split(/[\s,]+/).map(Number);
  const width = box[2] * 2, height = box[3] * 2;
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  const image = new Image();
  image.src = "data:image/svg+xml;charset=utf-8," +
              encodeURIComponent(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext("2d");
  g.fillStyle = "#fff";
  g.fillRect(0, 0, width, height);
  g.drawImage(image, 0, 0, width, height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = button.dataset.png;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

function setupCharts() {
  const status = document.getElementById("chart-status");
  document.querySelectorAll("button[data-png]").forEach((button) => {
    button.hidden = false;  // without script the SVG and CSV links remain
    button.addEventListener("click", async () => {
      try {
        await chartPng(button);
        status.textContent = button.dataset.png + " saved";
      } catch (error) {
        status.textContent = "PNG not made: " + error.message;
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", () => { setupQueue(); setupAlerts(); setupCharts(); });
