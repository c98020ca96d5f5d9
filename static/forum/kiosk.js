// Kiosk screen: draw the snapshot, then apply pushed frames. Frames carry the
// results revision; an older one than shown is dropped. After any reconnect
// the screen reloads the snapshot over HTTP, so it is never left stale.
(function () {
  "use strict";
  const body = document.body;
  const statusNode = document.getElementById("kiosk-status");
  let revision = JSON.parse(document.getElementById("kiosk-revision").textContent);
  let retry = 0;

  function setStatus(state) {
    statusNode.dataset.state = state;
    statusNode.textContent = state === "live" ? statusNode.dataset.labelLive : statusNode.dataset.labelOffline;
  }

  function draw(frame) {
    if (frame.type !== "results" || frame.revision < revision) return;
    const shown = new Set();
    for (const proposal of frame.proposals) {
      const item = document.querySelector('[data-proposal="' + proposal.id + '"]');
      if (!item) {
        // A proposal published after the page loaded: the simplest correct redraw is a reload.
        window.location.reload();
        return;
      }
      shown.add(item);
      item.hidden = false;
      Object.entries(proposal.totals).forEach(([choice, count]) => {
        item.querySelector('dd[data-choice="' + choice + '"]').textContent = count;
        item.querySelector(".kiosk__bar ." + choice).style.flexGrow = count;
      });
    }
    // A proposal withdrawn since the page loaded leaves the screen.
    document.querySelectorAll("[data-proposal]").forEach((item) => {
      if (!shown.has(item)) item.hidden = true;
    });
    document.getElementById("kiosk-comments").textContent = frame.comments;
    revision = frame.revision;
    body.dataset.revision = String(revision);
  }

  function loadSnapshot() {
    return fetch(body.dataset.snapshotUrl, { cache: "no-store" })
      .then((response) => response.json())
      .then(draw);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + body.dataset.socketPath);
    let pinger = null;
    socket.addEventListener("open", () => {
      retry = 0;
      setStatus("live");
      // A new socket starts a new sequence: whichever comes first, the HTTP
      // snapshot or a pushed frame, is the newest state, even if the server's
      // revisions restarted (a restored database); older ones are dropped again.
      revision = -1;
      loadSnapshot().catch(() => {});
      pinger = setInterval(() => socket.send("ping"), 25000);
    });
    socket.addEventListener("message", (event) => {
      if (event.data !== "pong") draw(JSON.parse(event.data));
    });
    socket.addEventListener("close", () => {
      clearInterval(pinger);
      setStatus("offline");
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * retry);
    });
  }

  connect();
})();
