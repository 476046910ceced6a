// Renders every <div data-chart="ID"> from the JSON spec in <script id="ID">, with the local
// vega-embed bundle. Re-runs after htmx swaps so partials can carry charts too.
(function () {
  "use strict";
  // Vega keeps a role on mark containers even for decoration declared `aria: false`
  // (e.g. the world outline); with no label anywhere inside, hide them from assistive tech.
  function hideUnlabelled(el) {
    el.querySelectorAll('g[role="graphics-symbol"]:not([aria-label])').forEach(function (g) {
      if (!g.querySelector("[aria-label]")) g.setAttribute("aria-hidden", "true");
    });
  }
  function render(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source || typeof vegaEmbed === "undefined") return;
      el.dataset.rendered = "1";
      var spec = JSON.parse(source.textContent);
      var options = { actions: false, renderer: "svg" };
      // Inside an <iframe>, a chart's links open in the page that embeds it.
      if (el.dataset.linkTarget) options.loader = { target: el.dataset.linkTarget };
      vegaEmbed(el, spec, options)
        .then(function () { hideUnlabelled(el); el.setAttribute("data-ready", "1"); })
        .catch(function (err) { el.textContent = String(err); el.setAttribute("data-error", "1"); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
})();
