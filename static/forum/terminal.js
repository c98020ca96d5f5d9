// A touch terminal: one visitor after another, and nothing of one left for the next.
//
// The pages are complete without this script (plain forms). With it: "Done", or the idle time without
// input, clears the forms, ends the terminal session on the server and replaces the page with the start
// screen (location.replace: Back leads to nothing of the last person; the server answers any old page for
// the current visitor only). Links inside the terminal replace the page too, so the history stays short.
// While someone reads or types, the server is told now and then, so that their session does not lapse
// there before it would here. The room's poll is followed over the terminal's read-only socket.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("terminal-config").textContent);
  const labels = config.labels;
  let revision = config.revision;

  // A page shown again from the browser's memory (Back) may be the last person's: fetch it anew.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-replace]");
    if (!link || event.defaultPrevented) return;
    event.preventDefault();
    window.location.replace(link.href);
  });

  function post(url) {
    return fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": config.csrfToken } });
  }

  // --- the next person: clear everything ----------------------------------------------------------

  let leaving = false;
  function startOver(form) {
    if (leaving) return;
    leaving = true;
    document.querySelectorAll("form").forEach((each) => each.reset());
    document.querySelectorAll("textarea, input[type=text], input[type=search]").forEach((field) => { field.value = ""; });
    post(config.urls.done)
      .then(() => window.location.replace(config.urls.start))
      .catch(() => {
        // No answer: the plain form ends the session (the server's idle time would, too).
        leaving = false;
        if (form) form.submit();
        else window.location.replace(config.urls.start);
      });
  }

  const doneForm = document.querySelector("form[data-done]");
  if (doneForm) {
    doneForm.addEventListener("submit", (event) => {
      event.preventDefault();
      startOver(doneForm);
    });
  }

  // --- idle time ---------------------------------------------------------------------------------

  if (config.session) {
    const idleMs = config.idleSeconds * 1000;
    // Warned at least 20 s ahead where the idle time allows it (WCAG 2.2.1), else halfway.
    const warnMs = Math.max(idleMs / 2, idleMs - 20000);
    const aliveMs = Math.min(15000, idleMs / 4);
    const warning = document.getElementById("idle-warning");
    const warningText = document.getElementById("idle-warning-text");
    let lastInput = Date.now();
    let lastAlive = Date.now();
    let aliveTimer = null;
    let focusBefore = null;

    function sendAlive() {
      aliveTimer = null;
      lastAlive = Date.now();
      post(config.urls.alive).then((response) => {
        if (response.status === 409 || response.status === 403 || response.status === 410) startOver(null);
      }, () => undefined);
    }

    function hideWarning() {
      if (warning.hidden) return;
      warning.hidden = true;
      if (focusBefore && document.contains(focusBefore)) focusBefore.focus();
      focusBefore = null;
    }

    function onInput() {
      lastInput = Date.now();
      hideWarning();
      // At most one message per interval, and always one after the last input (trailing): the server's
      // clock for this session then never runs ahead of this page's.
      if (!aliveTimer) aliveTimer = setTimeout(sendAlive, Math.max(0, lastAlive + aliveMs - Date.now()));
    }

    ["pointerdown", "keydown", "input", "wheel", "touchstart", "scroll"].forEach((type) =>
      document.addEventListener(type, onInput, { capture: true, passive: true })
    );
    warning.querySelector("[data-still-here]").addEventListener("click", onInput);

    setInterval(() => {
      const idle = Date.now() - lastInput;
      if (idle >= idleMs) {
        startOver(null);
      } else if (idle >= warnMs) {
        warningText.textContent = labels.clearsIn.replace("{seconds}", String(Math.ceil((idleMs - idle) / 1000)));
        if (warning.hidden) {
          focusBefore = document.activeElement;
          warning.hidden = false;
          warning.querySelector("[data-still-here]").focus();
        }
      }
    }, 250);
  }

  // --- the room's poll, live ---------------------------------------------------------------------

  function pollKeyOf(frame) {
    const room = frame.room;
    const poll = room && room.scene === "poll" && room.poll;
    return poll && poll.kind !== "questions" ? [poll.id, poll.round, poll.state].join(":") : "";
  }

  function typing() {
    return Array.from(document.querySelectorAll("#main input[type=text], #main textarea")).some((field) => field.value);
  }

  function apply(frame) {
    if (frame.type !== "room" || frame.revision < revision) return;
    revision = frame.revision;
    if (!document.body.dataset.followsPoll || pollKeyOf(frame) === config.pollKey || leaving) return;
    if (typing()) {
      // Never throw away what someone is writing: say so, and let them choose.
      const note = document.getElementById("poll-changed");
      if (note) {
        note.textContent = labels.pollChanged;
        note.hidden = false;
      }
      return;
    }
    window.location.replace(window.location.href);
  }

  function sync() {
    fetch(config.urls.state, { cache: "no-store", credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((frame) => frame && apply(frame))
      .catch(() => undefined);
  }

  let failures = 0;
  function connect() {
    if (!("WebSocket" in window)) return;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + config.urls.socket);
    let pinger = null;
    socket.addEventListener("open", () => {
      failures = 0;
      sync(); // whatever changed since the page was drawn
      pinger = setInterval(() => socket.readyState === 1 && socket.send("ping"), 25000);
    });
    socket.addEventListener("message", (event) => {
      if (event.data === "pong") return;
      const message = JSON.parse(event.data);
      if (message.type === "heartbeat") {
        if (message.revision > revision) setTimeout(sync, 200 + Math.random() * 800);
      } else if (message.type === "reload") {
        window.location.replace(window.location.href);
      } else {
        apply(message);
      }
    });
    socket.addEventListener("close", (event) => {
      clearInterval(pinger);
      // 4409: its consultation is not published (any more); the server's page says so and looks again itself.
      if (event.code === 4403 || event.code === 4404 || event.code === 4409 || event.code === 4410) {
        window.location.replace(window.location.href); // the server's page says why; no more retries
        return;
      }
      failures += 1;
      const wait = Math.min(30000, 1000 * 2 ** Math.min(failures, 5)) * (0.5 + Math.random());
      setTimeout(connect, wait);
    });
  }

  connect();
})();
