/* Site behaviour without inline script (the CSP forbids it). */
(function () {
  "use strict";
  function init(root) {
    // Widths of progress bars: data-width="42" -> style.width (CSSOM is allowed by the CSP).
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width + "%";
    });
    // A table wider than the screen scrolls sideways: reachable by keyboard too (WCAG 2.1.1).
    root.querySelectorAll(".table-responsive").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) el.tabIndex = 0;
    });
    // Confirmation before destructive actions: <button data-confirm="...">.
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.confirmBound) return;
      el.dataset.confirmBound = "1";
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
      });
    });
    // Charts: <canvas data-chart='{"type":"bar","data":{...}}'>.
    if (window.Chart) {
      root.querySelectorAll("canvas[data-chart]").forEach(function (el) {
        if (el.dataset.chartBound) return;
        el.dataset.chartBound = "1";
        var cfg = JSON.parse(el.dataset.chart);
        // No growing bars: figures people compare are drawn at once (and a screenshot or a
        // reader who prefers reduced motion sees the final chart, not an empty axis).
        cfg.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, cfg.options || {});
        new window.Chart(el, cfg);
      });
    }
    // Auto-submit filters: <select data-autosubmit>.
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // Geolocation for punch forms: fills hidden latitude/longitude inputs when the browser allows.
    root.querySelectorAll("form[data-geolocate]").forEach(function (form) {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = form.querySelector("[name=latitude]");
        var lon = form.querySelector("[name=longitude]");
        if (lat) lat.value = pos.coords.latitude.toFixed(6);
        if (lon) lon.value = pos.coords.longitude.toFixed(6);
      }, function () {}, { timeout: 5000 });
    });
    // Progress polling for long jobs: <div data-progress-url="..."> replaced by htmx elsewhere.
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (ev) { init(ev.target); });
})();
