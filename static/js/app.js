/* Support Triage: progressive enhancement only. Every action works without this file. */
(function () {
  "use strict";

  function shortDuration(ms) {
    var minutes = Math.max(Math.floor(ms / 60000), 0);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) return hours ? days + " d " + hours + " h" : days + " d";
    if (hours) return mins ? hours + " h " + mins + " min" : hours + " h";
    return mins ? mins + " min" : "under a minute";
  }

  /* Countdowns tick between refreshes; the server's text is the no-JS fallback. */
  var NEAR_MS = 30 * 60000;
  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll("time.due[data-due]").forEach(function (el) {
      if (el.dataset.answered === "true") return;
      var due = Date.parse(el.dataset.due), left = due - now, state, text;
      if (left <= 0) { state = "breached"; text = "breached " + shortDuration(-left) + " ago"; }
      else { state = left <= NEAR_MS ? "near" : "ok"; text = "in " + shortDuration(left); }
      el.className = "due due-" + state;
      if (el.textContent !== text) el.textContent = text;
    });
  }
  setInterval(tickCountdowns, 30000);

  /* Queue keyboard shortcuts: n claim next, j/k move, Enter open, ? help. */
  var selectedId = null;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue-rows tbody tr[data-ticket-id]")); }
  function select(row, focus) {
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-current"); });
    if (!row) { selectedId = null; return; }
    row.classList.add("selected");
    row.setAttribute("aria-current", "true");
    selectedId = row.dataset.ticketId;
    var link = row.querySelector("a.ticket-link");
    if (focus && link) link.focus({ preventScroll: false });
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var i = all.findIndex(function (r) { return r.dataset.ticketId === selectedId; });
    i = i < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(i + step, 0), all.length - 1);
    select(all[i], true);
  }
  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (!document.body.classList.contains("page-queue")) return;
    if (e.key === "n") {
      var claim = document.getElementById("claim-next");
      if (claim) { e.preventDefault(); claim.requestSubmit(); }
    } else if (e.key === "j") { e.preventDefault(); move(1); }
    else if (e.key === "k") { e.preventDefault(); move(-1); }
    else if (e.key === "Enter" && selectedId && !(e.target.tagName === "A" || e.target.tagName === "BUTTON")) {
      var row = rows().find(function (r) { return r.dataset.ticketId === selectedId; });
      if (row) { e.preventDefault(); window.location.href = row.dataset.url; }
    } else if (e.key === "?") {
      var help = document.getElementById("shortcuts");
      if (help) { e.preventDefault(); help.open = !help.open; if (help.open) help.querySelector("summary").focus(); }
    }
  });
  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("#queue-rows tbody tr[data-ticket-id]");
    if (row) select(row, false);
  });

  /* After htmx refreshes the rows: keep the selection and the keyboard focus where they were. */
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "queue-rows") {
      var active = document.activeElement;
      var row = active && active.closest && active.closest("tr[data-ticket-id]");
      e.detail.target.dataset.focusId = row ? row.dataset.ticketId : "";
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!e.detail.target || e.detail.target.id !== "queue-rows") return;
    var focusId = e.detail.target.dataset.focusId;
    if (selectedId) {
      var row = rows().find(function (r) { return r.dataset.ticketId === selectedId; });
      select(row || null, false);
    }
    if (focusId) {
      var again = rows().find(function (r) { return r.dataset.ticketId === focusId; });
      var link = again && again.querySelector("a.ticket-link");
      if (link) link.focus({ preventScroll: true });
    }
    tickCountdowns();
  });

  /* Triage: the policy's suggestion follows the chosen severity until the engineer picks a priority. */
  function setupTriage() {
    var form = document.getElementById("triage-form");
    var data = document.getElementById("triage-suggestions");
    if (!form || !data) return;
    var suggestions = JSON.parse(data.textContent);
    var touched = false;
    function mark() {
      var sev = form.querySelector("input[name=severity]:checked");
      var suggested = sev ? suggestions[sev.value] : null;
      form.querySelectorAll("label.radio[data-level]").forEach(function (label) {
        label.classList.toggle("is-suggested", label.dataset.level === suggested);
      });
      var out = document.getElementById("suggested-priority");
      if (out && suggested) out.textContent = suggested;
      return suggested;
    }
    form.addEventListener("change", function (e) {
      if (e.target.name === "priority") touched = true;
      if (e.target.name === "severity") {
        var suggested = mark();
        if (!touched && suggested) {
          var radio = form.querySelector("input[name=priority][value=" + suggested + "]");
          if (radio) radio.checked = true;
        }
      }
    });
    mark();
  }

  /* Top-bar menus (<details>): Escape closes the open one and returns focus to its summary; a
     click elsewhere closes it. Without this file they open and close as any <details>. */
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("header.top details.menu[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("header.top details.menu[open]").forEach(function (menu) {
      if (!menu.contains(e.target)) menu.open = false;
    });
  });

  document.addEventListener("DOMContentLoaded", function () { setupTriage(); tickCountdowns(); });
})();
