// Copy buttons: <button data-copy="ID" data-status="ID2"> copies the text of
// element ID and says so in element ID2. Without script the buttons stay
// hidden, and the text can still be selected and copied by hand.
"use strict";
(function () {
  function say(status, message) {
    if (status) status.textContent = message;
  }

  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy(text, element) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
    // file:// and plain http: the older way, from a selection.
    selectText(element);
    return document.execCommand("copy");
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      let copied = false;
      try {
        copied = await copy(source.textContent, source);
      } catch (error) {
        copied = false;
      }
      if (copied) {
        say(status, "Copied.");
      } else {
        selectText(source);
        say(status, "Selected: press Ctrl+C (⌘C) to copy.");
      }
    });
  });
})();
