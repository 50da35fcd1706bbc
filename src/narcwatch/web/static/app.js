// narcwatch workbench: keyboard triage in the review queue and the alerts inbox's
// polling. Everything here also works without script (forms post, pages reload).
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

function setupAlerts() {
  const table = document.getElementById("alerts");
  if (!table) return;
  const status = document.getElementById("alerts-status");
  const body = table.querySelector("tbody");
  async function poll() {
    try {
      const response = await fetch("/alerts.json?after=" + table.dataset.after,
                                   { headers: { "Accept": "application/json" } });
      if (response.ok) {
        const page = await response.json();
        for (const a of page.items) {
          const empty = body.querySelector("tr.empty");
          if (empty) empty.remove();
          const tr = document.createElement("tr");
          tr.className = "new";
          tr.append(cell(a.created.slice(0, 16).replace("T", " "), null, "nowrap"),
                    cell(page.titles[a.incident] || a.incident,
                         "/incidents/" + encodeURIComponent(a.incident)),
                    cell(a.match_kind + ": " + a.match_value),
                    cell(a.other_org + " TLP:" + a.other_tlp),
                    a.other ? cell(a.other.title, "/incidents/" + encodeURIComponent(a.other.id))
                            : cell("not visible to you: ask " + a.other_org));
          body.prepend(tr);
          table.dataset.after = String(a.id);
        }
        if (page.items.length) status.textContent = page.items.length + " new alert(s)";
      }
    } finally {
      window.setTimeout(poll, Number(table.dataset.poll || 3000));
    }
  }
  window.setTimeout(poll, Number(table.dataset.poll || 3000));
}

document.addEventListener("DOMContentLoaded", () => { setupQueue(); setupAlerts(); });
