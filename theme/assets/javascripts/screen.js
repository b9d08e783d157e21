/* Big-screen rotation: one slide at a time, advancing by itself; a pause button for anyone nearby.
   Without this script every slide is shown in one column. */
(function () {
  "use strict";
  var root = document.querySelector("[data-dj-slides]");
  if (!root) { return; }
  var slides = Array.prototype.slice.call(root.querySelectorAll(".dj-slide"));
  var counter = document.querySelector("[data-dj-counter]");
  var pause = document.querySelector("[data-dj-pause]");
  var seconds = parseInt(root.getAttribute("data-seconds"), 10) || 12;
  var index = 0;
  var paused = false;
  if (slides.length < 2) { return; }
  document.querySelector(".dj-screen-main").classList.add("dj-rotating");

  function show(i) {
    slides.forEach(function (slide, j) { slide.hidden = j !== i; });
    if (counter) { counter.textContent = (i + 1) + " / " + slides.length; }
  }
  show(index);
  window.setInterval(function () {
    if (paused || document.hidden) { return; }
    index = (index + 1) % slides.length;
    show(index);
  }, seconds * 1000);

  if (pause) {
    pause.hidden = false;
    pause.addEventListener("click", function () {
      paused = !paused;
      pause.setAttribute("aria-pressed", String(paused));
      pause.textContent = paused ? "继续轮播" : "暂停轮播";
    });
  }

  /* Pick up a new build every 30 minutes, but only when the server answers. */
  window.setInterval(function () {
    if (!window.fetch) { return; }
    window.fetch(window.location.href, { cache: "no-store" }).then(function (r) {
      if (r.ok) { window.location.reload(); }
    }).catch(function () { /* keep showing what we have */ });
  }, 30 * 60 * 1000);
})();
