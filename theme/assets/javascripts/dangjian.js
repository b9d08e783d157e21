/* Progressive enhancements only; every page works without JavaScript. */
(function () {
  "use strict";
  var html = document.documentElement;
  var KEY = "dj-large-text";

  /* Large-text mode: a real toggle button, remembered in localStorage. */
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-dj-textsize]"), function (button) {
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

  /* Print sheet: a button for the browser's print dialog. */
  Array.prototype.forEach.call(document.querySelectorAll("[data-dj-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
