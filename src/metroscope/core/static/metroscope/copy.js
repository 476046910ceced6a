// A <button data-copy="ID"> copies the text of the field #ID (e.g. an embed snippet) and says
// so in the [data-copy-status="ID"] live region. Without JavaScript the button stays hidden
// and the read-only field can still be selected and copied by hand.
(function () {
  "use strict";
  function copied(button) {
    var status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
    if (status) status.textContent = button.dataset.copied || "";
  }
  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { copied(button); },
        function () { if (document.execCommand("copy")) copied(button); }
      );
    } else if (document.execCommand("copy")) {
      copied(button);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
