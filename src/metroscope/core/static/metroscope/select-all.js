// A checkbox [data-select-all="NAME"] checks or clears every checkbox named NAME in its form,
// and shows "some chosen" (indeterminate) when only some are. Its paragraph stays hidden
// without JavaScript, where each value is still chosen by its own checkbox.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var form = all.form;
      if (!form) return;
      var boxes = function () {
        return Array.prototype.slice.call(
          form.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]')
        );
      };
      var sync = function () {
        var chosen = boxes().filter(function (b) { return b.checked; }).length;
        all.checked = chosen > 0 && chosen === boxes().length;
        all.indeterminate = chosen > 0 && chosen < boxes().length;
      };
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
        all.indeterminate = false;
      });
      form.addEventListener("change", function (event) {
        if (event.target !== all) sync();
      });
      var holder = all.closest("[hidden]");
      if (holder) holder.hidden = false;
      sync();
    });
  });
})();
