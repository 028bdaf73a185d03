/* Cotation simulator: an enhancement of the cotation page. The scoring follows siad.cotation.score
   exactly (the test suite compares them on shared vectors in Chromium); the grid comes from the
   page (data-grille). Without JavaScript the page shows the grid, its rules and worked examples. */
(function () {
  "use strict";

  function score(grid, situation) {
    var selected = {}, lines = [], subtotal = 0;
    situation.criteria.forEach(function (k) { selected[k] = true; });
    grid.families.forEach(function (family) {
      var chosen = family.criteria.filter(function (c) { return selected[c.key]; });
      var scored = chosen.filter(function (c) { return c.points !== null; });
      scored = scored.map(function (c, i) { return [c, i]; }).sort(function (a, b) {
        return (b[0].points - a[0].points) || (a[1] - b[1]);  /* most points first, then grid order */
      }).map(function (p) { return p[0]; });
      var keep = family.counting.mode === "best" ? (family.counting.n || 0) : family.counting.mode === "single" ? 1 : scored.length;
      scored.forEach(function (c, rank) {
        lines.push({ kind: "criterion", key: c.key, label: c.label, points: rank < keep ? c.points : 0, status: rank < keep ? "counted" : "ignored" });
      });
      chosen.filter(function (c) { return c.points === null; }).forEach(function (c) {
        lines.push({ kind: "criterion", key: c.key, label: c.label, points: 0, status: "not_scored" });
      });
    });
    var r = grid.rules;
    if (r.seniority_per_month !== null) {
      var counted = situation.months, refusals = situation.refusals.slice().sort(function (a, b) { return a - b; });
      if (refusals.length && r.refusal_reset_every !== null) {
        var resets = Math.floor(refusals.length / r.refusal_reset_every);
        if (resets) counted = situation.months - refusals[resets * r.refusal_reset_every - 1];
      }
      var raw = counted * r.seniority_per_month;
      lines.push({ kind: "seniority", label: "Ancienneté de la demande (" + counted + " mois)", points: r.seniority_cap === null ? raw : Math.min(raw, r.seniority_cap), status: "counted" });
    }
    if (r.caleol_points !== null) {
      var c = situation.caleol_without_offer * r.caleol_points;
      lines.push({ kind: "caleol", label: "Examens en CALEOL sans proposition de logement", points: r.caleol_cap === null ? c : Math.min(c, r.caleol_cap), status: "counted" });
    }
    if (r.long_delay_points !== null && r.long_delay_months !== null) {
      lines.push({ kind: "long_delay", label: "Délai anormalement long", points: situation.months >= r.long_delay_months ? r.long_delay_points : 0, status: "counted" });
    }
    lines.forEach(function (l) { subtotal += l.points; });
    var total = subtotal;
    if (r.first_quartile_coefficient !== null && situation.first_quartile) {
      var k = Math.round(r.first_quartile_coefficient * 1000);  /* exact decimal arithmetic, half up */
      total = Math.floor((subtotal * k + 500) / 1000);
      lines.push({ kind: "first_quartile", label: "Premier quartile de ressources (× " + String(r.first_quartile_coefficient).replace(".", ",") + ")", points: total - subtotal, status: "counted" });
    }
    return { total: total, subtotal: subtotal, lines: lines };
  }
  window.siadScore = score; /* for the test suite */

  var box = document.querySelector(".simulator[data-grille]");
  if (!box || !JSON) return;
  var grid;
  try { grid = JSON.parse(box.getAttribute("data-grille")); } catch (e) { return; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  var form = el("form", { "class": "simulator-form", "data-enhancement": "" });
  form.appendChild(el("p", { "class": "note" }, "Ce calcul est une estimation. La cotation aide la commission à décider : elle ne donne pas droit à un logement et n'attribue aucun logement automatiquement. Seul le service qui enregistre votre demande connaît votre cotation réelle."));
  grid.families.forEach(function (family) {
    var set = el("fieldset");
    set.appendChild(el("legend", {}, family.name));
    family.criteria.forEach(function (c) {
      var id = "sim-" + c.key, row = el("div", { "class": "sim-choice" });
      var input = el("input", { type: "checkbox", id: id, value: c.key });
      row.appendChild(input);
      row.appendChild(el("label", { "for": id }, c.label + (c.points === null ? " (points non publiés)" : " (" + c.points + " points)")));
      set.appendChild(row);
    });
    form.appendChild(set);
  });
  function number(id, label, hint) {
    var row = el("div", { "class": "sim-number" });
    row.appendChild(el("label", { "for": id }, label));
    if (hint) row.appendChild(el("span", { "class": "hint", id: id + "-aide" }, hint));
    var input = el("input", { type: "number", id: id, min: "0", step: "1", value: "0", inputmode: "numeric" });
    if (hint) input.setAttribute("aria-describedby", id + "-aide");
    row.appendChild(input);
    form.appendChild(row);
    return input;
  }
  var months = number("sim-mois", "Ancienneté de votre demande, en mois");
  var caleol = grid.rules.caleol_points !== null ? number("sim-caleol", "Passages en commission (CALEOL) sans proposition de logement") : null;
  var refusalRow = el("div", { "class": "sim-number" });
  refusalRow.appendChild(el("label", { "for": "sim-refus" }, "Refus injustifiés : le mois de chacun"));
  refusalRow.appendChild(el("span", { "class": "hint", id: "sim-refus-aide" }, "Nombre de mois depuis l'enregistrement, séparés par des virgules, par exemple : 10, 20. Laissez vide s'il n'y en a pas."));
  var refusals = el("input", { type: "text", id: "sim-refus", "aria-describedby": "sim-refus-aide", inputmode: "numeric" });
  refusalRow.appendChild(refusals);
  form.appendChild(refusalRow);
  var quartile = null;
  if (grid.rules.first_quartile_coefficient !== null) {
    var q = el("div", { "class": "sim-choice" });
    quartile = el("input", { type: "checkbox", id: "sim-quartile" });
    q.appendChild(quartile);
    q.appendChild(el("label", { "for": "sim-quartile" }, "Mes ressources sont dans le premier quartile (les plus faibles)"));
    form.appendChild(q);
  }
  var result = el("div", { "class": "simulator-result", role: "status", "aria-live": "polite" });
  form.appendChild(result);
  box.appendChild(form);

  function whole(input) { var v = parseInt(input.value, 10); return isNaN(v) || v < 0 ? 0 : v; }
  function update() {
    var m = whole(months);
    var list = refusals.value.split(/[,;\s]+/).filter(Boolean).map(function (t) { return parseInt(t, 10); })
      .filter(function (v) { return !isNaN(v) && v >= 0 && v <= m; });
    var situation = {
      criteria: Array.prototype.map.call(form.querySelectorAll(".sim-choice input[value]:checked"), function (i) { return i.value; }),
      months: m, refusals: list, caleol_without_offer: caleol ? whole(caleol) : 0, first_quartile: quartile ? quartile.checked : false
    };
    var s = score(grid, situation);
    result.textContent = "";
    result.appendChild(el("p", { "class": "sim-total" }, "Total estimé : " + s.total + (s.total > 1 ? " points" : " point")));
    var ul = el("ul");
    s.lines.forEach(function (l) {
      var note = l.status === "ignored" ? " (non retenu)" : l.status === "not_scored" ? " (points non publiés)" : "";
      ul.appendChild(el("li", {}, l.label + " : " + l.points + (Math.abs(l.points) > 1 ? " points" : " point") + note));
    });
    result.appendChild(ul);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  update();
})();
