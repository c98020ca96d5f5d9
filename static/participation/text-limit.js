/* Characters left in a text field with data-limit: shown under the field, announced to screen readers
 * near the limit, and a paste or drop that would go over it is refused with a message instead of being
 * cut silently (the fields carry no maxlength for that reason; the server checks the limit too).
 * The messages come from this script's data attributes, in the page's language. */
(function () {
  "use strict";
  const texts = (document.currentScript && document.currentScript.dataset) || {};
  const ANNOUNCE_AT = [100, 50, 20, 10, 0];

  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, (match, key) => numbers.format(values[key]));
  }

  function describe(left) {
    if (left >= 0) return fill(left === 1 ? texts.leftOne : texts.leftOther, { count: left });
    return fill(-left === 1 ? texts.overOne : texts.overOther, { count: -left });
  }

  function element(tag, className, attributes) {
    const node = document.createElement(tag);
    node.className = className;
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    return node;
  }

  function setUp(field) {
    const limit = parseInt(field.dataset.limit, 10);
    if (!limit || !field.id || field.dataset.limitReady) return;
    field.dataset.limitReady = "1";
    const count = element("p", "char-count", { id: field.id + "-count" });
    const spoken = element("span", "visually-hidden", { "aria-live": "polite" });
    const refused = element("p", "char-count char-count--refused", { role: "alert" });
    refused.hidden = true;
    field.after(count, spoken, refused);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
    let lastLeft = limit - field.value.length;

    function update() {
      const left = limit - field.value.length;
      count.textContent = describe(left);
      count.classList.toggle("char-count--over", left < 0);
      // Spoken only when a threshold is crossed, not on every key.
      const crossed = ANNOUNCE_AT.some((mark) => (lastLeft > mark) !== (left > mark));
      if (crossed && (left <= ANNOUNCE_AT[0])) spoken.textContent = describe(left);
      lastLeft = left;
    }

    function refuseIfTooLong(event, inserted) {
      const selected = field.selectionEnd - field.selectionStart;
      const length = field.value.length - selected + inserted.length;
      if (length <= limit) {
        refused.hidden = true;
        return;
      }
      event.preventDefault();
      refused.textContent = fill(texts.pasteRefused, { count: inserted.length, limit: limit });
      refused.hidden = false;
    }

    field.addEventListener("input", () => {
      refused.hidden = true;
      update();
    });
    field.addEventListener("paste", (event) => refuseIfTooLong(event, event.clipboardData.getData("text")));
    field.addEventListener("drop", (event) => refuseIfTooLong(event, event.dataTransfer.getData("text")));
    update();
  }

  // Fields a script builds later (the phone's poll and question forms) are set up by it, once in a form.
  window.textLimit = setUp;

  function setUpAll() {
    document.querySelectorAll("textarea[data-limit], input[data-limit]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
