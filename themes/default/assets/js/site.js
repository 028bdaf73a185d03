/* Progressive enhancement only: without this file every link stays visible and usable. */
(function () {
  "use strict";
  var nav = document.querySelector(".main-nav");
  var list = nav && nav.querySelector("ul");
  if (!nav || !list || !window.matchMedia) return;
  var narrow = window.matchMedia("(max-width: 40em)");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "menu-toggle";
  button.setAttribute("aria-controls", list.id);
  button.textContent = "Menu";
  nav.insertBefore(button, list);

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.hidden = !open;
  }
  function apply() {
    if (narrow.matches) {
      document.documentElement.classList.add("js-menu");
      setOpen(false);
    } else {
      document.documentElement.classList.remove("js-menu");
      list.hidden = false;
      button.removeAttribute("aria-expanded");
    }
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && !list.hidden) {
      setOpen(false);
      button.focus();
    }
  });
  if (narrow.addEventListener) narrow.addEventListener("change", apply);
  apply();
})();

/* « Ouvert en ce moment » on a reception point's page, computed from the structured hours that the
   page carries (data-horaires), in Paris time; follows siad.hours_view.is_open / next_opening.
   Without this script the full weekly table stays, which holds the same information. */
(function () {
  "use strict";
  var box = document.querySelector(".open-now[data-horaires]");
  if (!box || !window.Intl || !JSON) return;
  var hours;
  try { hours = JSON.parse(box.getAttribute("data-horaires")); } catch (e) { return; }
  var DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

  function parisNow(date) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Paris", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", hourCycle: "h23"
    }).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return { y: +parts.year, m: +parts.month, d: +parts.day, minute: +parts.hour * 60 + +parts.minute };
  }
  function weekday(y, m, d) { return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; }
  function walkIn(y, m, d) {
    var wd = weekday(y, m, d), week = Math.floor((d - 1) / 7) + 1, slots = hours.d[wd];
    for (var i = 0; i < hours.x.length; i++) {
      if (hours.x[i][0] === wd && hours.x[i][1].indexOf(week) !== -1) { slots = hours.x[i][2]; break; }
    }
    return slots.filter(function (s) { return s[2] === "accueil"; });
  }
  function time(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h + " h" + (m ? " " + (m < 10 ? "0" : "") + m : "");
  }
  function status(date) {
    var now = parisNow(date), base = Date.UTC(now.y, now.m - 1, now.d);
    var today = walkIn(now.y, now.m, now.d);
    for (var i = 0; i < today.length; i++) {
      if (today[i][0] <= now.minute && now.minute < today[i][1]) {
        return { open: true, text: "Ouvert en ce moment, jusqu'à " + time(today[i][1]) + "." };
      }
    }
    for (var offset = 0; offset < 62; offset++) {
      var day = new Date(base + offset * 86400000);
      var slots = walkIn(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
      for (var j = 0; j < slots.length; j++) {
        if (offset > 0 || slots[j][0] >= now.minute) {
          var when = offset === 0 ? "aujourd'hui" : offset === 1 ? "demain" : DAYS[weekday(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate())];
          return { open: false, text: "Fermé en ce moment. Ouvre " + when + " à " + time(slots[j][0]) + "." };
        }
      }
    }
    return { open: false, text: "Fermé en ce moment." };
  }
  window.siadOpenStatus = status; /* for the test suite */
  var result = status(new Date());
  box.textContent = result.text.replace(/\.$/, "") + " (heure de Paris).";
  box.className += result.open ? " is-open" : " is-closed";
  box.hidden = false;
  var now = parisNow(new Date());
  var row = document.querySelector('.hours tr[data-jour="' + weekday(now.y, now.m, now.d) + '"]');
  if (row) {
    row.className += " today";
    var label = row.querySelector("th");
    if (label) {
      var mark = document.createElement("span");
      mark.className = "today-mark";
      mark.setAttribute("data-enhancement", "");
      mark.textContent = " (aujourd'hui)";
      label.appendChild(mark);
    }
  }
})();

/* Directory filter: a commune list above the reception points; only the points that receive its
   inhabitants stay shown (as on the commune pages). Without this script, every point is listed and
   the commune pages give the same answer. */
(function () {
  "use strict";
  var box = document.querySelector(".points[data-communes-list]");
  if (!box || !JSON) return;
  var communes;
  try { communes = JSON.parse(box.getAttribute("data-communes-list")); } catch (e) { return; }
  if (!communes.length) return;
  var form = document.createElement("div");
  form.className = "point-filter";
  form.setAttribute("data-enhancement", "");
  var label = document.createElement("label");
  label.htmlFor = "filtre-commune";
  label.textContent = "Afficher les lieux qui reçoivent les habitants de : ";
  var select = document.createElement("select");
  select.id = "filtre-commune";
  var all = document.createElement("option");
  all.value = "";
  all.textContent = "toutes les communes";
  select.appendChild(all);
  communes.forEach(function (c) {
    var option = document.createElement("option");
    option.value = c[0];
    option.textContent = c[1];
    select.appendChild(option);
  });
  var status = document.createElement("p");
  status.className = "filter-status";
  status.setAttribute("role", "status");
  form.appendChild(label);
  form.appendChild(select);
  form.appendChild(status);
  box.parentNode.insertBefore(form, box);
  var items = box.querySelectorAll("li[data-communes]");
  select.addEventListener("change", function () {
    var code = select.value, shown = 0;
    for (var i = 0; i < items.length; i++) {
      var served = items[i].getAttribute("data-communes");
      var match = !code || served === "*" || (" " + served + " ").indexOf(" " + code + " ") !== -1;
      items[i].hidden = !match;
      if (match) shown++;
    }
    var sections = box.querySelectorAll(".point-group");
    for (var j = 0; j < sections.length; j++) {
      sections[j].hidden = !sections[j].querySelector("li[data-communes]:not([hidden])");
    }
    var name = select.options[select.selectedIndex].textContent;
    status.textContent = code ? (shown > 1 ? shown + " lieux d'accueil pour " : shown + " lieu d'accueil pour ") + name + "." : "";
  });
})();

/* Sortable tables (table[data-triable]): each column title becomes a button that sorts the rows,
   ascending then descending; aria-sort tells which column orders the table. Cells carry their
   value in data-valeur; a figure not published (empty value) stays last whatever the order.
   Without this script the table keeps the order it was built in, stated by its aria-sort. */
(function () {
  "use strict";
  var tables = document.querySelectorAll("table[data-triable]");
  for (var t = 0; t < tables.length; t++) sortable(tables[t]);

  function sortable(table) {
    var body = table.tBodies[0], head = table.tHead;
    if (!body || !head) return;
    var headers = head.rows[0].cells;
    var hint = table.querySelector(".sort-hint");
    if (hint) hint.hidden = false;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("data-enhancement", "");
    var region = table.parentNode;
    region.parentNode.insertBefore(status, region.nextSibling);
    for (var i = 0; i < headers.length; i++) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (headers[i].firstChild) button.appendChild(headers[i].firstChild);
      headers[i].appendChild(button);
      button.addEventListener("click", sorter(i));
    }

    function sorter(column) {
      return function () {
        var th = headers[column];
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) { return compare(a.cells[column], b.cells[column], ascending); });
        rows.forEach(function (row) { body.appendChild(row); });
        for (var j = 0; j < headers.length; j++) headers[j].removeAttribute("aria-sort");
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        status.textContent = "Tableau trié par « " + th.textContent.trim() + " », ordre " + (ascending ? "croissant." : "décroissant.");
      };
    }
  }

  function compare(a, b, ascending) {
    var x = a.getAttribute("data-valeur"), y = b.getAttribute("data-valeur");
    if (x === null || y === null) {  // the row headers: alphabetical order, French rules
      var order = a.textContent.trim().localeCompare(b.textContent.trim(), "fr");
      return ascending ? order : -order;
    }
    if (x === "" || y === "") return (x === "") - (y === "");
    var difference = parseFloat(x) - parseFloat(y);
    if (difference === 0) return a.parentNode.cells[0].textContent.localeCompare(b.parentNode.cells[0].textContent, "fr");
    return ascending ? difference : -difference;
  }
})();
