// The presenter's console, enhanced: confirmations for what cannot be undone, the poll form showing
// only the fields its kind needs, and live counters polled from the console's status every ~2 s.
// Every action stays a plain form POST; without this script the page works the same, only static.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  var kind = document.querySelector(".console-poll-form select[name=kind]");
  if (kind) {
    var wrapper = function (name) {
      var field = kind.form.elements[name];
      return field && (field.closest("[data-field-wrapper]") || field.closest(".w-field__wrapper"));
    };
    var toggle = function () {
      var options = wrapper("options");
      var most = wrapper("max_choices");
      var hasOptions = kind.value === "single" || kind.value === "multiple";
      if (options) options.hidden = !hasOptions;
      if (most) most.hidden = kind.value !== "multiple";
    };
    kind.addEventListener("change", toggle);
    toggle();
  }

  var configNode = document.getElementById("console-config");
  var root = document.getElementById("console");
  if (!configNode || !root || !window.fetch) return;
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels;
  var live = document.getElementById("console-live");
  var waitingShown = parseInt(root.dataset.waiting || "0", 10);

  function part(name) {
    return root.querySelector('[data-console="' + name + '"]');
  }

  function setText(name, text) {
    var node = part(name);
    if (node && node.textContent !== String(text)) node.textContent = String(text);
  }

  function rowsOf(results) {
    if (!results) return [];
    return results.options || results.scale || results.words || [];
  }

  function drawResults(poll) {
    var list = part("results");
    if (!list) return;
    var rows = rowsOf(poll && poll.results);
    var items = rows.map(function (row) {
      var item = document.createElement("li");
      var label = document.createElement("span");
      label.className = "console-bars__label";
      label.textContent = row.label !== undefined ? row.label : row.value !== undefined ? row.value : row.text;
      var bar = document.createElement("span");
      bar.className = "console-bars__bar";
      bar.style.setProperty("--share", (row.share || 0) + "%");
      var value = document.createElement("span");
      value.className = "console-bars__value";
      value.textContent = row.count + (row.share !== undefined ? " (" + row.share + " %)" : "");
      item.append(label, bar, value);
      return item;
    });
    list.replaceChildren.apply(list, items);
  }

  function draw(status) {
    setText("scene", labels.scenes[status.scene] || status.scene);
    ["phone", "screen", "terminal"].forEach(function (audience) {
      setText(audience, status.connected[audience]);
    });
    var poll = status.poll;
    var block = part("poll");
    if (block) block.hidden = !poll;
    setText("answers", poll ? poll.answers : "–");
    if (poll) {
      setText("poll-question", poll.question);
      setText("poll-state", labels.states[poll.state] || poll.state);
      setText("poll-visibility", poll.results_visible ? labels.revealed : labels.hidden);
    }
    drawResults(poll);
    if (status.waiting > waitingShown) {
      live.dataset.state = "waiting";
      live.replaceChildren(document.createTextNode(labels.waiting + " "));
      var link = document.createElement("a");
      link.href = window.location.pathname + "#questions-" + (poll ? poll.id : "");
      link.textContent = labels.reload;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        window.location.reload();
      });
      live.append(link);
    } else if (live.dataset.state !== "static") {
      live.dataset.state = "static";
      live.textContent = "";
    }
    root.dataset.updated = String(Date.now());
  }

  function stale() {
    live.dataset.state = "stale";
    live.textContent = labels.stale;
  }

  var timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, config.interval);
  }

  function poll() {
    if (document.hidden) return schedule();
    fetch(config.status, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(draw, stale)
      .then(schedule, schedule);
  }

  root.dataset.live = "1";
  poll();
})();
