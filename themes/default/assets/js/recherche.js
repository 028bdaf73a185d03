/* Site search: the words typed are looked up in recherche/index.json (built by siad from every
   page), without accent or case, all words required; titles rank above headings, headings above
   the text. The matching pages of the list below the form are kept, ranked, with an excerpt.
   Without this script (or without the index) the list keeps every page of the site; on a large
   site (data-racine on the list) it holds only the main pages, and results outside it are added. */
(function () {
  "use strict";

  var MARKS = /[\u0300-\u036f]/g;

  /* Lower case without accents, one character for one, so that positions in the folded text are
     positions in the original text. */
  function fold(text) {
    return String(text).replace(/[^\x00-\x7f]/g, function (c) {
      if (c === "\u2019" || c === "\u02bc") return "'";
      if (/\s/.test(c)) return " ";
      var plain = c.normalize ? c.normalize("NFD").replace(MARKS, "") : c;
      return plain.length === 1 ? plain : c;
    }).toLowerCase();
  }

  function terms(query) {
    var seen = {}, words = [];
    fold(query).split(/[\s"«»“”.,;:!?()\[\]{}\/]+/).forEach(function (word) {
      word = word.replace(/^['-]+|['-]+$/g, "");
      if (word && !seen[word]) { seen[word] = true; words.push(word); }
    });
    return words;
  }

  function wordChar(c) { return /[0-9a-z]/.test(c) || c > "\u00bf"; }

  /* The first place ``word`` starts a word of ``text`` (« dem » finds « demande », not « academie »). */
  function find(text, word, from) {
    var i = text.indexOf(word, from || 0);
    while (i > 0 && wordChar(text.charAt(i - 1))) i = text.indexOf(word, i + 1);
    return i;
  }

  var FIELDS = [["t", 1000], ["h", 100], ["d", 30], ["x", 10]];
  var cache = typeof WeakMap === "function" ? new WeakMap() : null;

  function prepared(index) {
    var ready = cache && cache.get(index);
    if (ready) return ready;
    ready = (index.pages || []).map(function (p) {
      return { page: p, t: fold(p.title), h: fold((p.headings || []).join(" · ")), d: fold(p.description || ""), x: fold(p.text || "") };
    });
    if (cache) cache.set(index, ready);
    return ready;
  }

  function excerpt(page, folded, words) {
    var text = page.text || "", at = -1;
    words.forEach(function (w) {
      var i = find(folded, w);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    });
    if (at === -1) return "";
    var start = Math.max(0, at - 60), end = Math.min(text.length, start + 200);
    if (start > 0) start = Math.min(text.indexOf(" ", start) + 1 || start, at);
    if (end < text.length) end = Math.max(text.lastIndexOf(" ", end), at + 1);
    return (start > 0 ? "… " : "") + text.slice(start, end).replace(/^[\s:;,.·–-]+/, "").trim() + (end < text.length ? " …" : "");
  }

  /* Ranked results: every word must start a word of the page; each counts for the best field it
     is in (title, then headings, description, text), a little more when the text repeats it. */
  function search(index, query) {
    var words = terms(query), results = [];
    if (!words.length) return results;
    prepared(index).forEach(function (p) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var best = 0;
        for (var f = 0; f < FIELDS.length && !best; f++) {
          if (find(p[FIELDS[f][0]], words[i]) !== -1) best = FIELDS[f][1];
        }
        if (!best) return;
        for (var n = 0, at = find(p.x, words[i]); at !== -1 && n < 9; at = find(p.x, words[i], at + 1)) n++;
        score += best + n;
      }
      results.push({ url: p.page.url, title: p.page.title, description: p.page.description || "", score: score, excerpt: excerpt(p.page, p.x, words), key: p.t });
    });
    results.sort(function (a, b) { return b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0); });
    return results;
  }
  window.siadSearch = search; /* for the test suite */

  /* ``text`` into ``element``, with every word of the query that starts a word in <mark>. */
  function highlight(element, text, words) {
    var folded = fold(text), ranges = [];
    words.forEach(function (w) {
      for (var i = find(folded, w); i !== -1; i = find(folded, w, i + w.length)) ranges.push([i, i + w.length]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    element.textContent = "";
    var done = 0;
    ranges.forEach(function (r) {
      if (r[1] <= done) return;
      var from = Math.max(r[0], done);
      if (from > done) element.appendChild(document.createTextNode(text.slice(done, from)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(from, r[1]);
      element.appendChild(mark);
      done = r[1];
    });
    if (done < text.length) element.appendChild(document.createTextNode(text.slice(done)));
  }

  var form = document.querySelector(".search-form");
  var list = document.querySelector(".search-list[data-index]");
  var status = document.querySelector(".search-status");
  var input = form && form.querySelector("input[name=q]");
  if (!list || !input || !status) return;
  var intro = document.querySelector(".search-all");
  var items = Array.prototype.slice.call(list.querySelectorAll("li[data-page]")).map(function (li) {
    var link = li.querySelector("a"), about = li.querySelector(".search-description");
    return { li: li, link: link, title: link.textContent, about: about, description: about ? about.textContent : "" };
  });
  var byUrl = {};
  items.forEach(function (item) { byUrl[item.li.getAttribute("data-page")] = item; });
  var index = null, loading = null, failed = false, timer = null;
  var root = list.getAttribute("data-racine"), added = [], MAX_ADDED = 200;
  var listed = root === null ? "toutes les pages" : "les pages principales";

  /* A result the list does not hold (a large site lists only its main pages). */
  function addItem(r) {
    var li = document.createElement("li"), link = document.createElement("a"), about = null;
    li.setAttribute("data-page", r.url);
    li.setAttribute("data-enhancement", "");
    link.href = root + r.url;
    li.appendChild(link);
    if (r.description) {
      about = document.createElement("p");
      about.className = "search-description";
      li.appendChild(about);
    }
    var item = { li: li, link: link, title: r.title, about: about, description: r.description };
    byUrl[r.url] = item;
    added.push(item);
    return item;
  }

  function reset(item) {
    item.li.hidden = false;
    item.link.textContent = item.title;
    if (item.about) item.about.textContent = item.description;
    var extra = item.li.querySelector(".search-excerpt");
    if (extra) item.li.removeChild(extra);
  }

  function showAll(message) {
    items.forEach(function (item) { reset(item); list.appendChild(item.li); });
    added.forEach(function (item) { reset(item); item.li.hidden = true; });
    if (intro) intro.hidden = false;
    status.textContent = message || "";
  }

  function show(query) {
    var words = terms(query);
    if (!words.length) return showAll("");
    if (failed) return showAll("La recherche n'est pas disponible ici (par exemple quand le site est ouvert depuis les fichiers de l'ordinateur) : " + listed + " restent listées ci-dessous.");
    if (!index) { status.textContent = "Recherche en cours…"; return load(); }
    var shown = 0, found = 0, quoted = "« " + query.trim() + " »";
    items.concat(added).forEach(function (item) { reset(item); item.li.hidden = true; });
    var cap = root === null ? Infinity : MAX_ADDED;
    search(index, query).forEach(function (r) {
      var item = byUrl[r.url];
      if (!item && root === null) return;
      found++;
      if (shown >= cap) return;
      if (!item) item = addItem(r);
      item.li.hidden = false;
      highlight(item.link, item.title, words);
      if (item.about) highlight(item.about, item.description, words);
      if (r.excerpt) {
        var p = document.createElement("p");
        p.className = "search-excerpt";
        p.setAttribute("data-enhancement", "");
        highlight(p, r.excerpt, words);
        item.li.appendChild(p);
      }
      list.appendChild(item.li);
      shown++;
    });
    if (!shown) return showAll("Aucun résultat pour " + quoted + " : essayez avec moins de mots, ou un autre mot. " + listed.charAt(0).toUpperCase() + listed.slice(1) + " sont listées ci-dessous.");
    if (intro) intro.hidden = true;
    status.textContent = (found > 1 ? found + " résultats pour " : "1 résultat pour ") + quoted + (found > shown ? " ; les " + shown + " premiers sont affichés." : ".");
  }

  /* A very large site's index keeps only the names of its communes and reception points (siad's
     search_index.py): say so once, under the results' count. */
  function byNameNote() {
    var note = document.createElement("p");
    note.className = "search-note";
    note.setAttribute("data-enhancement", "");
    note.textContent = "Sur ce site très étendu, les communes et les lieux d'accueil sont trouvés par leur nom : " +
      "tapez par exemple le nom de votre commune.";
    status.parentNode.insertBefore(note, status.nextSibling);
  }

  function load() {
    if (!loading) {
      loading = (window.fetch ? fetch(list.getAttribute("data-index")) : Promise.reject(new Error("fetch")))
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) { index = data; if (data && data.abrege) byNameNote(); }, function () { failed = true; })
        .then(function () { show(input.value); });
    }
    return loading;
  }

  function keepInAddress(query) {
    try {
      var url = new URL(window.location.href);
      if (query.trim()) url.searchParams.set("q", query.trim()); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.href);
    } catch (e) { /* file:// or an old browser: the address simply stays */ }
  }

  function run() {
    clearTimeout(timer);
    keepInAddress(input.value);
    show(input.value);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    show(initial);
  }
})();
