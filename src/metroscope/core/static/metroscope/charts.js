// Renders every <div data-chart="ID"> from the JSON spec in <script id="ID">, with the local
// vega-embed bundle. Re-runs after htmx swaps so partials can carry charts too. A chart whose
// width is "container" fills its box, axes and legends included, and follows the window's
// width: Vega-Lite redraws it on resize, and it is laid out again (legend columns, a map's
// height) when the box gets much narrower or wider.
(function () {
  "use strict";
  // Vega keeps a role on mark containers even for decoration declared `aria: false`
  // (e.g. the world outline); with no label anywhere inside, hide them from assistive tech.
  function hideUnlabelled(el) {
    el.querySelectorAll('g[role="graphics-symbol"]:not([aria-label])').forEach(function (g) {
      if (!g.querySelector("[aria-label]")) g.setAttribute("aria-hidden", "true");
    });
  }
  // The layout a box of this width gets: legends in at most one column per 190 px (a legend
  // in a row under or over the chart, e.g. a map's circle sizes, one per 130 px on a phone),
  // and a world map about twice as wide as high (never taller than its spec says).
  function layoutFor(spec, width) {
    var columns = Math.max(1, Math.floor(width / 190));
    var row = width < 640 ? Math.max(1, Math.floor(width / 130)) : 0;
    var height = spec.projection && typeof spec.height === "number"
      ? Math.min(spec.height, Math.max(160, Math.round(width * 0.5))) : spec.height;
    return { columns: columns, row: row, height: height, key: [columns, row, height].join("/") };
  }
  function fitToBox(spec, layout) {
    // Vega-Lite's default sizes only the plot to the container and adds the axes and the
    // legend around it, wider than the box on a phone: fit the whole drawing instead.
    if (spec.autosize === undefined) spec.autosize = { type: "fit-x", contains: "padding" };
    spec.height = layout.height;
    (function walk(node) {
      if (!node || typeof node !== "object") return;
      Object.keys(node).forEach(function (key) {
        var value = node[key];
        if (key === "legend" && value && typeof value.columns === "number") {
          value.columns = Math.min(value.columns, layout.columns);
        } else if (key === "legend" && value && layout.row && /^(top|bottom)$/.test(value.orient)) {
          value.columns = layout.row;
        }
        walk(value);
      });
    })(spec);
  }
  // The page's language's number and date conventions (CLDR's, see core/chart_locale.py):
  // "20,5" and "janv." on a French page.
  var localeSource = document.getElementById("chart-locale");
  var locale = localeSource ? JSON.parse(localeSource.textContent) : null;
  var views = new Map();
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    var spec = JSON.parse(source.textContent);
    // ast: Vega interprets expressions instead of compiling them with new Function, so the
    // charts run under the site's Content-Security-Policy (script-src 'self', no eval).
    var options = { actions: false, renderer: "svg", ast: true };
    if (locale) {
      options.formatLocale = locale.number;
      options.timeFormatLocale = locale.time;
    }
    // Inside an <iframe>, a chart's links open in the page that embeds it.
    if (el.dataset.linkTarget) options.loader = { target: el.dataset.linkTarget };
    if (spec.width === "container") {
      var layout = layoutFor(spec, el.clientWidth);
      el.dataset.layout = layout.key;
      fitToBox(spec, layout);
    }
    if (views.has(el)) views.get(el).finalize();
    el.removeAttribute("data-ready");
    vegaEmbed(el, spec, options)
      .then(function (result) {
        views.set(el, result.view);
        hideUnlabelled(el);
        el.setAttribute("data-ready", "1");
      })
      .catch(function (err) { el.textContent = String(err); el.setAttribute("data-error", "1"); });
  }
  function render(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source || typeof vegaEmbed === "undefined") return;
      el.dataset.rendered = "1";
      draw(el);
    });
  }
  var timer = null;
  function relayout() {
    document.querySelectorAll("[data-chart][data-layout]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      if (layoutFor(spec, el.clientWidth).key !== el.dataset.layout) draw(el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(relayout, 200);
  });
})();
