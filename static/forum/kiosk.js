// Kiosk screen: a stage of scenes, filled from one snapshot ({results, room, screen}) and then from the
// socket's frames (the results group and the room group). A screen that follows the presenter shows the
// room's scene; a rotating one steps through its rotation. A frame older than what is shown is dropped;
// a heartbeat newer than it makes the screen say "updating" and reload the snapshot; a dropped link says
// "reconnecting" until the socket is back and the snapshot reloaded: the screen never shows a stale count
// without saying so. A refused screen (close codes 4403, 4404, 4410) says why and stops retrying; one with nothing to show
// (4409: its consultation is not published) says only that, and looks again in a minute.
(function () {
  "use strict";
  const body = document.body;
  const config = JSON.parse(document.getElementById("kiosk-config").textContent);
  const text = config.labels;
  const statusNode = document.getElementById("kiosk-status");
  const uiLang = document.documentElement.lang;
  const decimal = new Intl.NumberFormat(uiLang || undefined); // "3,5" in German, as the server writes it
  const first = JSON.parse(document.getElementById("kiosk-snapshot").textContent);
  let results = first.results;
  let room = first.room;
  let screen = first.screen;
  // The QR codes on the page are drawn by the server for this code: another code means a reload.
  const drawnCode = codeOf(room);
  const SCENES = ["join", "pause", "poll", "proposal", "results", "wall", "map", "twin"];
  const REFUSALS = [4403, 4404, 4409, 4410];

  let link = "connecting"; // "live" | "offline" | "connecting"
  let newest = 0; // the newest revision the server named (frames, heartbeats)
  let refused = false;
  let retry = 0;
  let syncTimer = null;
  let lastHeard = Date.now();

  // --- small helpers ---------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value; // never HTML from the data
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  function plural(forms, count) {
    return (count === 1 ? forms[0] : forms[1]).replace("{count}", String(count));
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
  }

  function jitter(low, high) {
    return low + Math.random() * (high - low);
  }

  function fill(name, content) {
    const node = document.querySelector('[data-fill="' + name + '"]');
    if (typeof content === "string") node.textContent = content;
    else node.replaceChildren(...(content || []));
  }

  function codeOf(roomFrame) {
    return roomFrame && roomFrame.room ? roomFrame.room.code : null;
  }

  function shownRevision() {
    return Math.min(results.revision, room.revision);
  }

  // --- the link's state ------------------------------------------------------------------------------

  function showStatus() {
    const state = link === "live" && newest > shownRevision() ? "updating" : link;
    statusNode.dataset.state = state;
    statusNode.textContent = text.status[state];
    body.dataset.link = state;
  }

  // --- scenes ----------------------------------------------------------------------------------------

  function bar(totals) {
    return el("div", { class: "bar", "aria-hidden": "true" }, [
      el("span", { class: "support", style: "flex-grow: " + totals.support }),
      el("span", { class: "oppose", style: "flex-grow: " + totals.oppose }),
      el("span", { class: "abstain", style: "flex-grow: " + totals.abstain }),
    ]);
  }

  function totalsList(totals) {
    const items = ["support", "oppose", "abstain"].map((choice) =>
      el("div", { class: choice }, [
        el("dt", { text: text.choices[choice] }),
        el("dd", { "data-choice": choice, text: String(totals[choice]) }),
      ])
    );
    return el("dl", { class: "totals" }, items);
  }

  // One proposal's votes: the sum, then a table by channel (online, phones, terminals, paper).
  function proposalResults(proposal) {
    const choices = ["support", "oppose", "abstain"];
    const head = el("tr", {}, [
      el("th", { scope: "col", text: text.channel }),
      ...choices.map((choice) => el("th", { scope: "col", text: text.choices[choice] })),
    ]);
    const rows = Object.keys(text.channels).map((channel) => {
      const counts = proposal.by_channel[channel] || {};
      return el("tr", { "data-channel": channel }, [
        el("th", { scope: "row", text: text.channels[channel] }),
        ...choices.map((choice) => el("td", { text: String(counts[choice] || 0) })),
      ]);
    });
    rows.push(
      el("tr", { class: "sum" }, [
        el("th", { scope: "row", text: text.total }),
        ...choices.map((choice) => el("td", { text: String(proposal.totals[choice]) })),
      ])
    );
    const table = el("table", { class: "channels", lang: uiLang }, [
      el("caption", { class: "visually-hidden", text: format(text.byChannel, { title: proposal.title }) }),
      el("thead", {}, [head]),
      el("tbody", {}, rows),
    ]);
    return [bar(proposal.totals), el("div", { lang: uiLang }, [totalsList(proposal.totals)]), table];
  }

  function drawResults() {
    const list = document.getElementById("kiosk-proposals");
    const items = results.proposals.map((proposal) =>
      el("li", { class: "proposal", "data-proposal": String(proposal.id) }, [
        el("h3", { text: proposal.title }),
        ...proposalResults(proposal),
      ])
    );
    if (!items.length) items.push(el("li", { lang: uiLang, text: text.noProposals }));
    list.replaceChildren(...items);
    list.dataset.count = String(results.proposals.length);
  }

  function drawProposal() {
    const proposal = room.room && room.room.proposal;
    fill("proposal-title", proposal ? proposal.title : "");
    fill("proposal-summary", proposal ? proposal.summary || "" : "");
    const shown = el("div", { class: "proposal", "data-proposal": proposal ? String(proposal.id) : "" });
    if (proposal) shown.append(...proposalResults(proposal));
    fill("proposal-body", [shown]);
  }

  function bars(rows, labelOf) {
    return el(
      "ul",
      { class: "bars" },
      rows.map((row) =>
        el("li", {}, [
          el("span", { class: "bars__label", text: labelOf(row) }),
          el("span", { class: "bars__value", lang: uiLang, text: row.count + " (" + row.share + " %)" }),
          el("span", { class: "bars__bar", "aria-hidden": "true" }, [el("span", { style: "width: " + row.share + "%" })]),
        ])
      )
    );
  }

  function cloud(words) {
    const most = Math.max(1, ...words.map((word) => word.count));
    return el(
      "ul",
      { class: "cloud" },
      words.map((word) =>
        el("li", { style: "font-size: " + (1 + (2.2 * word.count) / most).toFixed(2) + "rem" }, [
          document.createTextNode(word.text + " "),
          el("span", { class: "cloud__count", lang: uiLang, text: "(" + word.count + ")" }),
        ])
      )
    );
  }

  function questions(poll) {
    if (!poll.questions.length) return [el("p", { class: "poll__wait", lang: uiLang, text: text.noQuestions })];
    return [
      el(
        "ol",
        { class: "questions" },
        poll.questions.map((question) =>
          el("li", { class: question.being_answered ? "is-answered" : null, "data-question": String(question.id) }, [
            question.being_answered ? el("strong", { class: "questions__now", lang: uiLang, text: text.beingAnswered }) : null,
            el("p", { class: "questions__text", text: question.text }),
            el("p", { class: "questions__votes", lang: uiLang, text: plural(text.upvotes, question.upvotes) }),
          ])
        )
      ),
    ];
  }

  function pollResults(poll) {
    const found = poll.results;
    const parts = [];
    if (found.options) {
      parts.push(bars(found.options, (row) => row.label));
    } else if (found.scale) {
      const average = found.average === null ? "–" : decimal.format(found.average);
      parts.push(el("p", { class: "poll__average", lang: uiLang, text: format(text.average, { average: average }) }));
      parts.push(bars(found.scale, (row) => String(row.value)));
      parts.push(el("p", { class: "poll__hint", lang: uiLang, text: text.scaleLow + " · " + text.scaleHigh }));
    } else if (found.words) {
      parts.push(cloud(found.words));
    }
    if (!found.marks) parts.push(el("p", { lang: uiLang, text: text.noAnswers }));
    parts.push(el("p", { class: "poll__hint", lang: uiLang, text: plural(text.answersCounted, found.participants) }));
    return parts;
  }

  function drawPoll() {
    const poll = room.room && room.room.poll;
    const section = document.querySelector('.scene[data-scene="poll"]');
    section.dataset.kind = poll ? poll.kind : "";
    section.dataset.revealed = poll && poll.results ? "true" : "false";
    fill("poll-question", poll ? poll.question : "");
    fill("poll-state", poll && poll.state === "open" ? text.pollOpen : poll && poll.state === "closed" ? text.pollClosed : "");
    if (!poll) {
      fill("poll-body", []);
    } else if (poll.kind === "questions") {
      fill("poll-body", questions(poll));
    } else if (!poll.results) {
      // Hidden until the presenter reveals them: how many answered tells nothing of how.
      fill("poll-body", [
        el("div", { class: "poll__follow", lang: uiLang }, [
          el("p", { class: "poll__follow-title", text: text.resultsFollow }),
          el("p", { class: "poll__answers", text: plural(text.answersSoFar, poll.answers) }),
        ]),
      ]);
    } else {
      fill("poll-body", pollResults(poll));
    }
  }

  function drawWall() {
    const titles = new Map(results.proposals.map((proposal) => [proposal.id, proposal.title]));
    const time = new Intl.DateTimeFormat(uiLang, { hour: "2-digit", minute: "2-digit" });
    const items = (results.wall || []).map((comment) => {
      const meta = format(text.madeAt, { time: time.format(new Date(comment.created_at)), channel: text.madeIn[comment.channel] || "" });
      return el("li", { class: "wall__item", "data-comment": String(comment.id) }, [
        el("p", { class: "wall__text", text: comment.text }),
        titles.has(comment.proposal)
          ? el("p", { class: "wall__about", text: format(text.onProposal, { title: titles.get(comment.proposal) }) })
          : null,
        el("p", { class: "wall__meta", lang: uiLang, text: meta }),
      ]);
    });
    if (!items.length) items.push(el("li", { class: "wall__empty", lang: uiLang, text: text.noComments }));
    document.getElementById("kiosk-wall").replaceChildren(...items);
  }

  // --- the maps: loaded when first shown, refreshed when what they show changed ------------------------

  const started = { map: false, twin: false };
  let mapSeen = null;
  let twinSeen = null;
  let twinTimer = null;

  function loadScript(src, isModule) {
    return new Promise((resolve, reject) => {
      const script = el("script", { src: src, type: isModule ? "module" : null });
      script.addEventListener("load", resolve);
      script.addEventListener("error", reject);
      body.appendChild(script);
    });
  }

  function startMap() {
    started.map = true;
    mapSeen = results.comments + ":" + ((results.wall || [])[0] || {}).id;
    (window.L ? Promise.resolve() : loadScript(config.urls.leaflet))
      .then(() => loadScript(config.urls.basemap))
      .then(() => loadScript(config.urls.map))
      .catch((error) => console.warn("kiosk map:", error));
  }

  function startTwin() {
    started.twin = true;
    twinSeen = results.revision;
    if (document.getElementById("scene-config")) {
      loadScript(config.urls.scene3d, true).catch((error) => console.warn("kiosk 3D twin:", error));
    }
  }

  function refreshMaps() {
    const pins = results.comments + ":" + ((results.wall || [])[0] || {}).id;
    if (started.map && pins !== mapSeen) {
      mapSeen = pins;
      document.getElementById("kiosk-map").dispatchEvent(new Event("map:reload"));
    }
    // The twin's colours follow the votes: redrawn at most every few seconds, whatever the vote rate.
    if (started.twin && results.revision !== twinSeen && !twinTimer) {
      twinTimer = setTimeout(() => {
        twinTimer = null;
        twinSeen = results.revision;
        document.getElementById("scene-map").dispatchEvent(new Event("scene:reload"));
      }, 3000);
    }
  }

  // --- which scene: the presenter's, or the rotation's ---------------------------------------------------

  function available(scene) {
    const shown = room.room;
    if (scene === "poll") return Boolean(shown && shown.poll);
    if (scene === "proposal") return Boolean(shown && shown.proposal);
    if (scene === "join" || scene === "pause") return Boolean(shown);
    return SCENES.includes(scene);
  }

  function show(scene) {
    if (body.dataset.scene === scene) return;
    body.dataset.scene = scene;
    document.querySelectorAll(".scene").forEach((section) => {
      section.classList.toggle("is-shown", section.dataset.scene === scene);
    });
    if (scene === "map" && !started.map) startMap();
    if (scene === "twin" && !started.twin) startTwin();
  }

  let step = -1;
  let stepTimer = null;

  function rotating() {
    return screen.mode === "rotate" && screen.rotation.length > 0;
  }

  function nextStep() {
    clearTimeout(stepTimer);
    const steps = screen.rotation;
    for (let offset = 1; offset <= steps.length; offset += 1) {
      const candidate = (step + offset) % steps.length;
      if (available(steps[candidate].scene)) {
        step = candidate;
        show(steps[step].scene);
        stepTimer = setTimeout(nextStep, steps[step].seconds * 1000);
        return;
      }
    }
    step = -1; // nothing of the rotation can be shown now (no room open): the results, until it can
    show("results");
    stepTimer = setTimeout(nextStep, 10000);
  }

  function choose() {
    if (rotating()) {
      if (step < 0 || !available(screen.rotation[step].scene)) nextStep();
      return;
    }
    const shown = room.room;
    if (!shown) show("results"); // no evening on: the consultation's results
    else show(available(shown.scene) ? shown.scene : "pause");
  }

  function draw() {
    body.dataset.revision = String(shownRevision());
    document.getElementById("kiosk-comments").textContent = results.comments;
    const phase = document.getElementById("kiosk-phase");
    phase.textContent = text.phases[results.phase] || "";
    phase.dataset.votingOpen = String(Boolean(results.voting_open));
    drawResults();
    drawProposal();
    drawPoll();
    drawWall();
    refreshMaps();
    choose();
    showStatus();
  }

  // --- frames, snapshots, the socket -------------------------------------------------------------------

  function apply(frame) {
    let changed = false;
    if ((frame.type === "results" || frame.type === "kiosk") && (frame.results || frame).revision >= results.revision) {
      results = frame.results || frame;
      changed = true;
    }
    if ((frame.type === "room" || frame.type === "kiosk") && (frame.room || frame).revision >= room.revision) {
      room = frame.room || frame;
      changed = true;
      if (codeOf(room) !== drawnCode) {
        window.location.reload(); // a room opened or ended: its code and QR codes are drawn by the server
        return;
      }
    }
    if (frame.type === "kiosk") screen = frame.screen;
    if (changed) {
      newest = Math.max(newest, frame.revision);
      draw();
    }
  }

  function refuse(code) {
    refused = true;
    clearTimeout(stepTimer);
    clearTimeout(syncTimer);
    document.getElementById("kiosk-stage").hidden = true;
    document.querySelector(".kiosk__footer").hidden = true;
    const badge = document.querySelector(".kiosk__badge");
    if (badge) badge.hidden = true;
    const box = document.getElementById("kiosk-refused");
    box.hidden = false;
    box.querySelectorAll("[data-refused]").forEach((part) => {
      part.hidden = part.dataset.refused !== String(code);
    });
    body.dataset.link = "refused";
    // 4409: the consultation is not published (any more). Nothing of it stays on the screen; the page looks
    // again in a minute and starts by itself once it is published.
    if (code === 4409) setTimeout(() => window.location.reload(), 60000);
  }

  function loadSnapshot() {
    clearTimeout(syncTimer);
    syncTimer = null;
    return fetch(config.urls.snapshot, { cache: "no-store", credentials: "same-origin" })
      .then((response) => response.json())
      .then((frame) => {
        if (frame.type === "refused") refuse(4000 + frame.status);
        else apply(frame);
      });
  }

  function syncSoon() {
    // Screens notice a missed frame together (the heartbeat): spread their requests. One at a time:
    // the next heartbeat must not put off a reload already due.
    if (syncTimer) return;
    syncTimer = setTimeout(() => loadSnapshot().catch(() => undefined), jitter(200, 1200));
  }

  function connect() {
    if (refused) return;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + config.urls.socket);
    let pinger = null;
    let watchdog = null;
    socket.addEventListener("open", () => {
      retry = 0;
      link = "live";
      lastHeard = Date.now();
      // A new socket starts a new sequence: whichever comes first, the snapshot or a pushed frame, is the
      // newest state, even if the server's revisions restarted (a restored database).
      results = Object.assign({}, results, { revision: -1 });
      room = Object.assign({}, room, { revision: -1 });
      newest = 0;
      showStatus();
      loadSnapshot().catch(() => undefined);
      pinger = setInterval(() => socket.readyState === 1 && socket.send("ping"), 25000);
      // A socket that stays open but hears nothing (not even the heartbeat) is as good as dropped.
      const silence = Math.max(20000, 4000 * config.heartbeat);
      watchdog = setInterval(() => {
        if (Date.now() - lastHeard > silence) socket.close();
      }, 5000);
    });
    socket.addEventListener("message", (event) => {
      lastHeard = Date.now();
      if (event.data === "pong") return;
      const message = JSON.parse(event.data);
      if (message.type === "heartbeat") {
        if (message.revision > newest) newest = message.revision;
        if (message.revision > shownRevision()) syncSoon(); // a frame went missing
        showStatus();
      } else if (message.type === "reload") {
        window.location.reload(); // staff changed the screen (its mode, its rotation, its consultation)
      } else {
        apply(message);
      }
    });
    socket.addEventListener("close", (event) => {
      clearInterval(pinger);
      clearInterval(watchdog);
      if (REFUSALS.includes(event.code)) {
        refuse(event.code);
        return;
      }
      link = "offline";
      showStatus();
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * retry * jitter(0.5, 1.5));
    });
  }

  draw();
  connect();
})();
