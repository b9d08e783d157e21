/* Progressive enhancements only; every page works without JavaScript. */
(function () {
  "use strict";
  var html = document.documentElement;
  var KEY = "dj-large-text";

  /* Large-text mode: a real toggle button, remembered in localStorage. */
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  var header = document.querySelector(".md-header__inner");
  var searchButton = header && header.querySelector("label[for='__search']");
  Array.prototype.forEach.call(document.querySelectorAll("[data-dj-textsize]"), function (button) {
    if (header) {  /* the same place on every page: the header, before the search button */
      button.classList.add("dj-textsize--header");
      button.setAttribute("aria-label", "大字模式");
      button.textContent = "大字";  /* short, so the site's name keeps its room at 320 px */
      header.insertBefore(button, searchButton || null);
    }
    button.hidden = false;
    button.setAttribute("aria-pressed", String(html.classList.contains("dj-large")));
    button.addEventListener("click", function () {
      var on = !html.classList.contains("dj-large");
      html.classList.toggle("dj-large", on);
      button.setAttribute("aria-pressed", String(on));
      store(on);
    });
  });

  /* Pledge tracker: CSS :target does the filtering; mark the active filter and say how many show. */
  var tracker = document.querySelector("[data-dj-filter]");
  if (tracker) {
    var result = tracker.querySelector(".dj-filter-result");
    var update = function () {
      var active = window.location.hash.replace(/^#f-/, "") || "all";
      Array.prototype.forEach.call(tracker.querySelectorAll(".dj-filter"), function (a) {
        if (a.getAttribute("data-filter") === active) { a.setAttribute("aria-current", "true"); }
        else { a.removeAttribute("aria-current"); }
      });
      var shown = 0;
      Array.prototype.forEach.call(tracker.querySelectorAll(".dj-pledge"), function (li) {
        if (li.offsetParent !== null) { shown += 1; }
      });
      if (result) { result.textContent = active === "all" ? "" : "显示 " + shown + " 项承诺"; }
    };
    window.addEventListener("hashchange", update);
    update();
  }

  /* Brand gallery: town and theme selects filter the cards in place. */
  var form = document.querySelector("[data-dj-brand-filter]");
  if (form) {
    form.hidden = false;
    var town = form.querySelector("[name=town]");
    var theme = form.querySelector("[name=theme]");
    var out = form.querySelector(".dj-filter-result");
    var apply = function () {
      var shown = 0;
      Array.prototype.forEach.call(document.querySelectorAll(".dj-brand-town"), function (section) {
        var visible = 0;
        Array.prototype.forEach.call(section.querySelectorAll(".dj-brand-card"), function (card) {
          var ok = (!town.value || card.getAttribute("data-town") === town.value) &&
                   (!theme.value || card.getAttribute("data-theme") === theme.value);
          card.hidden = !ok;
          if (ok) { visible += 1; }
        });
        section.hidden = visible === 0 && (town.value !== "" || theme.value !== "");
        shown += visible;
      });
      out.textContent = town.value || theme.value ? "显示 " + shown + " 个品牌" : "";
    };
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  }

  /* 朗读: the page's text read aloud by the browser's speech synthesis, where the browser has one. */
  var synth = window.speechSynthesis;
  Array.prototype.forEach.call(document.querySelectorAll("[data-dj-read]"), function (button) {
    if (!synth || typeof window.SpeechSynthesisUtterance === "undefined") { return; }
    button.hidden = false;
    var stop = function () {
      synth.cancel();
      button.setAttribute("aria-pressed", "false");
      button.textContent = "朗读";
    };
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { stop(); return; }
      var article = document.querySelector(".md-content article") || document.body;
      var parts = [];
      Array.prototype.forEach.call(article.querySelectorAll("h1, h2, h3, p, li, dt, dd, td, th, caption"), function (el) {
        if (el.closest("[hidden], .dj-print-tools, script, style") || el.querySelector("p, li")) { return; }
        var text = (el.innerText || el.textContent || "").trim();
        if (text) { parts.push(text); }
      });
      var utterance = new window.SpeechSynthesisUtterance(parts.join("。"));
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      utterance.onend = stop;
      button.setAttribute("aria-pressed", "true");
      button.textContent = "停止朗读";
      synth.cancel();
      synth.speak(utterance);
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });
  });

  /* Tables on phones: each row becomes a card, each cell labelled with its column's heading, so nothing
     hides in a sideways scroll. Dates never break across lines. */
  var DATE = /^(\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月(\d{1,2}日)?|20\d{2}-H[12]|\d{4}年[上下]半年)$/;
  Array.prototype.forEach.call(document.querySelectorAll(".md-typeset table:not(.dj-sheet-table)"), function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return (th.innerText || th.textContent || "").trim();
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
        if (DATE.test((cell.textContent || "").trim())) { cell.classList.add("dj-nowrap"); }
      });
    });
    /* The score items have their own card layout (the print sheet is left alone above). */
    /* Three columns still fit a phone; wider tables become cards. */
    if (heads.length > 3 && !table.classList.contains("dj-score-items")) { table.classList.add("dj-cardable"); }
  });

  /* Search: Material listens for key presses only. Text pasted from a chat, entered by voice or
     committed by an input method arrives without one, so each of those events passes as a key press. */
  var query = document.querySelector(".md-search__input");
  if (query) {
    var poke = function () {
      var event;
      try { event = new KeyboardEvent("keyup", { bubbles: true }); }
      catch (e) { event = document.createEvent("Event"); event.initEvent("keyup", true, true); }
      query.dispatchEvent(event);
    };
    query.addEventListener("input", poke);
    query.addEventListener("compositionend", poke);
    query.addEventListener("paste", function () { window.setTimeout(poke, 0); });
  }

  /* Synonyms residents use: a query with any word of a group also asks for the others. */
  var synonyms = document.getElementById("dj-synonyms");
  if (synonyms) {
    var groups = [];
    try { groups = JSON.parse(synonyms.textContent) || []; } catch (e) { groups = []; }
    window.djExpand = function (text) {
      var extra = [];
      groups.forEach(function (group) {
        var hit = group.some(function (word) { return text.indexOf(word) !== -1; });
        if (!hit) { return; }
        group.forEach(function (word) {
          if (text.indexOf(word) === -1 && extra.indexOf(word) === -1) { extra.push(word); }
        });
      });
      return extra.length ? text + " " + extra.join(" ") : text;
    };
  }

  /* Searching from a community's pages: "只看本社区" keeps that community's pages and brands. The results
     are filtered as they come from the search worker (see main.html), before the theme draws them. */
  var own = window.location.pathname.match(/^(.*?\/towns\/[^\/]+\/[^\/]+\/)/);
  var output = document.querySelector(".md-search__output");
  if (own && output) {
    var prefix = own[1];
    var brands = [];
    Array.prototype.forEach.call(document.querySelectorAll(".md-content a[href*='brands/']"), function (a) {
      var path = new URL(a.getAttribute("href"), window.location.href).pathname;
      if (/\/brands\/[^\/]+\/$/.test(path)) { brands.push(path); }
    });
    var scope = document.createElement("label");
    scope.className = "dj-search-scope";
    scope.innerHTML = '<input type="checkbox"> 只看本社区';
    output.insertBefore(scope, output.firstChild);
    var box = scope.querySelector("input");
    var inScope = function (location) {
      var path = new URL(location, window.__md_scope || window.location.href).pathname;
      return path.indexOf(prefix) === 0 || brands.indexOf(path) !== -1;
    };
    box.addEventListener("change", function () {
      window.djScope = box.checked ? inScope : null;
      var last = window.djLastQuery;
      if (last) { last.worker.postMessage(last.message); }  /* the same query again, filtered or not */
    });
  }

  /* Print sheet: a button for the browser's print dialog. */
  Array.prototype.forEach.call(document.querySelectorAll("[data-dj-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
