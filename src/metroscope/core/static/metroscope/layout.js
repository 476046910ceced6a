// The page layout's few behaviours, without a framework. Loaded in <head> (not deferred) so the
// `js` class is on <html> before the header is drawn: the narrow-screen menu starts closed
// instead of flashing open. Without JavaScript the button stays hidden and the menu stays open.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The site menu below 900 px: a disclosure button (aria-expanded drives the CSS).
  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function initMenu() {
    var button = document.querySelector(".menu-toggle[aria-controls]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.addEventListener("click", function () {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives the focus back to its button.
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
      if (button.offsetParent === null) return; // wide screen: no menu to close
      setOpen(button, false);
      button.focus();
    });
  }

  // The header's search on a wide screen: its button opens the field under it (the row has no
  // room for a field), then searches; Escape or leaving the form closes it. On a narrow screen
  // the field is in the menu and the button just searches.
  function initSearch() {
    var form = document.querySelector("form.site-search");
    if (!form) return;
    var input = form.querySelector("input");
    var button = form.querySelector("button");
    function collapsed() { return input.offsetParent === null; }
    function setSearchOpen(open) {
      form.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function (e) {
      if (collapsed()) {
        e.preventDefault();
        setSearchOpen(true);
        input.focus();
      } else if (!input.value.trim() && form.classList.contains("open")) {
        e.preventDefault();
        setSearchOpen(false);
      }
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && form.classList.contains("open")) {
        setSearchOpen(false);
        button.focus();
      }
    });
    form.addEventListener("focusout", function (e) {
      if (!form.contains(e.relatedTarget)) setSearchOpen(false);
    });
  }

  // A table's box (the `scrollbox` tag) is a focusable, labelled region only while its table
  // is wider than the box: the keyboard can then scroll it, and a table that fits adds no
  // tab stop and no landmark.
  function fitBoxes(root) {
    (root || document).querySelectorAll(".table-box").forEach(function (box) {
      if (!box.dataset.label) box.dataset.label = box.getAttribute("aria-label") || "";
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.dataset.label);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  var pending = false;
  function refit() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fitBoxes(document); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu();
    initSearch();
    fitBoxes(document);
  });
  window.addEventListener("resize", refit);
  // Tables hidden in a closed <details> have no width until it opens.
  document.addEventListener("toggle", refit, true);
  document.addEventListener("htmx:afterSwap", function (e) { fitBoxes(e.target); });
})();
