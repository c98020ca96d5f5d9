// The phone page of a room: live without reloading, and still a plain page without this script.
//
// Frames come over the room's socket (or, where a venue's network blocks sockets, by polling
// the room's state every few seconds). A frame only ever replaces an older one. When the
// presenter shows something new, the page redraws it; while the same poll stays up, only its
// numbers change, so nobody loses what they are typing (drafts are also kept per poll).
// Votes and poll answers go over the socket while it is live (the server writes a room's votes
// together), else, or when the socket gives no answer in time, to the rooms API; questions and
// backing always go to the API. The phone says "counted" only after the server committed the
// vote, and tries again by itself when the network failed (one vote per phone either way).
(function () {
  "use strict";
  const root = document.getElementById("room-now");
  const config = JSON.parse(document.getElementById("room-config").textContent);
  const text = config.labels;
  const decimal = new Intl.NumberFormat(document.documentElement.lang || undefined); // "3,5" in German, as the server writes it
  const oneDecimal = new Intl.NumberFormat(document.documentElement.lang || undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const statusNode = document.getElementById("room-status");
  const noticeNode = document.getElementById("room-notice");
  const announcer = document.getElementById("room-announcer");
  let frame = JSON.parse(document.getElementById("room-frame").textContent);
  let shownKey = keyOf(frame);
  let socket = null;
  let socketLive = false; // the server has answered on the socket: it carries votes
  let nextRef = 1;
  const awaiting = new Map(); // ref of a vote sent over the socket -> its promise's ends
  const SOCKET_ANSWER_MS = 5000;
  let failures = 0;
  let pollTimer = null;
  let syncTimer = null;

  // --- small helpers --------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  function plural(forms, count) {
    return (count === 1 ? forms[0] : forms[1]).replace("{count}", String(count));
  }

  function jitter(low, high) {
    return low + Math.random() * (high - low);
  }

  function storageGet(store, key) {
    try { return store.getItem(key); } catch (error) { return null; }
  }

  function storageSet(store, key, value) {
    try {
      if (value === null) store.removeItem(key);
      else store.setItem(key, value);
    } catch (error) { /* private mode: the page works without it */ }
  }

  function setStatus(state) {
    statusNode.dataset.state = state;
    statusNode.textContent = text.status[state];
  }

  function notify(message, kind) {
    noticeNode.className = "notice notice--" + kind;
    noticeNode.setAttribute("role", kind === "error" ? "alert" : "status");
    noticeNode.textContent = message;
    noticeNode.hidden = !message;
  }

  // --- what is shown --------------------------------------------------------------------

  function keyOf(current) {
    const room = current.room;
    if (!room) return "ended";
    const poll = room.scene === "poll" && room.poll;
    if (poll) return ["poll", poll.id, poll.round, poll.state, poll.kind].join(":");
    if (room.scene === "proposal" && room.proposal) {
      return ["proposal", room.proposal.id, room.proposal.voting_open].join(":");
    }
    return "wait:" + (room.scene === "pause" || room.scene === "join" ? "pause" : "screen");
  }

  function answerKey(poll) {
    return "bf:" + config.code + ":answer:" + poll.id + ":" + poll.round;
  }

  function draftKey(poll) {
    return "bf:" + config.code + ":draft:" + poll.id;
  }

  function apply(next) {
    if (next.type === "gone") {
      window.location.reload();
      return;
    }
    if (next.type !== "room" || next.revision < frame.revision) return;
    frame = next;
    if (!frame.room) {
      window.location.reload(); // the session ended: the page says so, with no retrying
      return;
    }
    const key = keyOf(frame);
    if (key !== shownKey) {
      shownKey = key;
      redraw();
    } else {
      refresh();
    }
  }

  function redraw() {
    const hadFocus = root.contains(document.activeElement);
    const room = frame.room;
    root.dataset.scene = room.scene;
    root.replaceChildren(render(room));
    const heading = root.querySelector("h2");
    if (heading) {
      announcer.textContent = heading.textContent;
      if (hadFocus) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
    notify("", "status");
  }

  function render(room) {
    if (room.scene === "poll" && room.poll) {
      return room.poll.kind === "questions" ? questionRound(room.poll) : pollCard(room.poll);
    }
    if (room.scene === "proposal" && room.proposal) return proposalCard(room.proposal);
    const pause = room.scene === "pause" || room.scene === "join";
    return el("section", { class: "room-card room-card--wait", "aria-labelledby": "room-now-heading" }, [
      el("h2", { id: "room-now-heading", text: text.wait }),
      el("p", { text: pause ? text.waitPause : text.waitScreen }),
    ]);
  }

  // Only the numbers of what is shown change: the form and what is typed in it stay.
  function refresh() {
    const room = frame.room;
    if (room.scene === "poll" && room.poll) {
      const old = root.querySelector(".room-results, .room-results-hint, .questions, .questions-empty");
      const replacement = room.poll.kind === "questions" ? questionList(room.poll) : resultsOf(room.poll);
      if (old) old.replaceWith(replacement);
    } else if (room.scene === "proposal" && room.proposal) {
      const totals = root.querySelector(".totals");
      if (totals) totals.replaceWith(totalsOf(room.proposal));
    }
  }

  // --- a poll ---------------------------------------------------------------------------

  function pollCard(poll) {
    const loaded = config.mine.poll && config.mine.poll[0] === poll.id && config.mine.poll[1] === poll.round;
    const mine = JSON.parse(storageGet(window.localStorage, answerKey(poll)) || "null") || (loaded ? config.mine.answer : null);
    const children = [el("h2", { id: "poll-question-" + poll.id, lang: config.contentLang, text: poll.question })];
    if (poll.state === "open") {
      children.push(answerForm(poll, mine));
      if (mine) children.push(el("p", { class: "notice notice--success mine", text: text.answered }));
    } else {
      children.push(el("p", { class: "notice", text: text.pollClosed }));
    }
    children.push(resultsOf(poll));
    return el("section", { class: "room-card", "aria-labelledby": "poll-question-" + poll.id }, children);
  }

  function answerForm(poll, mine) {
    const form = el("form", { method: "post", action: config.urls.answer, class: "answer-form" });
    form.appendChild(el("input", { type: "hidden", name: "poll", value: poll.id }));
    if (poll.kind === "single" || poll.kind === "multiple") {
      const hint = poll.kind === "multiple" ? plural(text.chooseUpTo, poll.max_choices) : text.chooseOne;
      const fieldset = el("fieldset", { "aria-describedby": "poll-hint-" + poll.id }, [
        el("legend", { class: "visually-hidden", lang: config.contentLang, text: poll.question }),
        el("p", { class: "hint", id: "poll-hint-" + poll.id, text: hint }),
      ]);
      const chosen = (mine && mine.options) || [];
      poll.options.forEach((option) => {
        fieldset.appendChild(el("div", { class: "choice" }, [
          el("input", {
            type: poll.kind === "multiple" ? "checkbox" : "radio",
            name: "option",
            value: option.id,
            id: "option-" + option.id,
            checked: chosen.indexOf(option.id) >= 0,
          }),
          el("label", { for: "option-" + option.id, lang: config.contentLang, text: option.label }),
        ]));
      });
      form.appendChild(fieldset);
    } else if (poll.kind === "scale") {
      const fieldset = el("fieldset", { class: "scale", "aria-describedby": "poll-hint-" + poll.id }, [
        el("legend", { class: "visually-hidden", lang: config.contentLang, text: poll.question }),
        el("p", { class: "hint", id: "poll-hint-" + poll.id, text: text.scaleHint }),
      ]);
      [1, 2, 3, 4, 5].forEach((value) => {
        const id = "value-" + poll.id + "-" + value;
        fieldset.appendChild(el("div", { class: "choice choice--scale" }, [
          el("input", { type: "radio", name: "value", value: value, id: id, checked: mine && mine.value === value }),
          el("label", { for: id, text: String(value) }),
        ]));
      });
      form.appendChild(fieldset);
    } else {
      const id = "answer-text-" + poll.id;
      form.appendChild(el("label", { for: id, text: text.wordsLabel }));
      const input = el("input", { type: "text", name: "text", id: id, "data-limit": "40", required: true, autocomplete: "off" });
      input.value = storageGet(window.sessionStorage, draftKey(poll)) || (mine && mine.text) || "";
      form.appendChild(input);
      limitText(input);
    }
    form.appendChild(el("button", { type: "submit", text: mine ? text.changeAnswer : text.sendAnswer }));
    return form;
  }

  function resultsOf(poll) {
    const results = poll.results;
    if (!results) {
      const hint = poll.state === "open" ? text.resultsLater : "";
      return el("p", { class: "hint room-results-hint", text: hint });
    }
    const section = el("section", { class: "room-results", "aria-labelledby": "results-heading-" + poll.id }, [
      el("h3", { id: "results-heading-" + poll.id, text: text.results }),
    ]);
    const rows = results.options || results.scale || [];
    if (results.average !== undefined) {
      section.appendChild(el("p", { text: text.average.replace("{average}", results.average === null ? "–" : decimal.format(results.average)) }));
    }
    if (rows.length) {
      const list = el("ul", { class: "bars" });
      rows.forEach((row) => {
        const bar = el("span", { class: "bars__bar", "aria-hidden": "true" }, [el("span")]);
        bar.firstChild.style.width = row.share + "%";
        list.appendChild(el("li", {}, [
          el("span", { class: "bars__label", lang: row.label ? config.contentLang : null, text: row.label || String(row.value) }),
          el("span", { class: "bars__value", text: row.count + " (" + row.share + " %)" }),
          bar,
        ]));
      });
      section.appendChild(list);
    }
    if (results.words && results.words.length) {
      section.appendChild(el("ul", { class: "words" }, results.words.map((word) => el("li", {}, [
        document.createTextNode(word.text + " "),
        el("span", { class: "words__count", text: "(" + word.count + ")" }),
      ]))));
    }
    if (!results.marks) section.appendChild(el("p", { text: text.noAnswers }));
    section.appendChild(el("p", { class: "hint", text: plural(text.answers, results.participants) }));
    return section;
  }

  // --- a question round -----------------------------------------------------------------

  // The characters-left counter (participation/text-limit.js), in place of a maxlength that would cut a
  // pasted text silently.
  function limitText(field) {
    if (window.textLimit) window.textLimit(field);
  }

  function questionRound(poll) {
    const children = [el("h2", { id: "poll-question-" + poll.id, lang: config.contentLang, text: poll.question })];
    if (poll.state === "open") {
      const id = "question-text-" + poll.id;
      const textarea = el("textarea", {
        name: "text", id: id, "data-limit": "300", rows: "3", required: true, "aria-describedby": "question-hint-" + poll.id,
      });
      textarea.value = storageGet(window.sessionStorage, draftKey(poll)) || "";
      children.push(el("form", { method: "post", action: config.urls.question, class: "question-form" }, [
        el("input", { type: "hidden", name: "poll", value: poll.id }),
        el("label", { for: id, text: text.questionLabel }),
        el("p", { class: "hint", id: "question-hint-" + poll.id, text: text.questionHint }),
        textarea,
        el("button", { type: "submit", text: text.sendQuestion }),
      ]));
      limitText(textarea);
    } else {
      children.push(el("p", { class: "notice", text: text.roundClosed }));
    }
    children.push(el("h3", { text: text.questionsHeading }));
    children.push(questionList(poll));
    return el("section", { class: "room-card", "aria-labelledby": "poll-question-" + poll.id }, children);
  }

  function backedQuestions() {
    return JSON.parse(storageGet(window.localStorage, "bf:" + config.code + ":backed") || "[]").concat(config.mine.upvoted || []);
  }

  function questionList(poll) {
    const questions = poll.questions || [];
    if (!questions.length) return el("p", { class: "questions-empty", text: text.noQuestions });
    const backed = backedQuestions();
    return el("ol", { class: "questions" }, questions.map((question) => {
      const mine = backed.indexOf(question.id) >= 0;
      const button = el("button", {
        type: "submit",
        "aria-pressed": mine ? "true" : null,
        disabled: mine,
        "aria-label": text.backQuestion.replace("{text}", question.text.slice(0, 60)),
        text: mine ? text.backed : text.meToo,
      });
      return el("li", { class: "question" + (question.being_answered ? " question--now" : "") }, [
        question.being_answered ? el("strong", { class: "question__now", text: text.beingAnswered }) : null,
        el("p", { class: "question__text", text: question.text }),
        el("form", {
          method: "post", action: config.urls.upvote.replace("0/upvote", question.id + "/upvote"),
          class: "upvote-form", "data-question": question.id,
        }, [button, el("span", { class: "question__votes", text: plural(text.backers, question.upvotes) })]),
      ]);
    }));
  }

  // --- a proposal -----------------------------------------------------------------------

  function proposalCard(proposal) {
    const loaded = config.mine.proposal === proposal.id ? config.mine.choice : null;
    const mine = storageGet(window.localStorage, "bf:" + config.code + ":vote:" + proposal.id) || loaded;
    const children = [
      el("h2", { id: "proposal-title-" + proposal.id, lang: config.contentLang, text: proposal.title }),
      el("p", { lang: config.contentLang, text: proposal.summary }),
    ];
    if (proposal.voting_open) {
      const rated = proposal.method === "rating";
      const buttons = rated
        ? ["1", "2", "3", "4", "5"].map((value) => el("button", {
          type: "submit", name: "rating", value: value, class: "vote vote--rating",
          "aria-pressed": mine !== null && String(mine) === value ? "true" : null, text: text.ratings[value],
        }))
        : ["support", "oppose", "abstain"].map((choice) => el("button", {
          type: "submit", name: "choice", value: choice, class: "vote vote--" + choice,
          "aria-pressed": mine === choice ? "true" : null, text: text.choices[choice],
        }));
      const legend = el("legend", { text: rated ? text.yourRating : text.yourVote });
      const hint = rated ? el("p", { class: "hint", text: text.ratingHint }) : null;
      children.push(el("form", { method: "post", action: config.urls.answer, class: "vote-form" }, [
        el("input", { type: "hidden", name: "proposal", value: proposal.id }),
        el("fieldset", {}, [legend, hint, el("div", { class: "vote-buttons" + (rated ? " vote-buttons--rating" : "") }, buttons)]),
      ]));
      if (mine) children.push(el("p", { class: "notice notice--success mine", text: text.voted }));
    } else {
      children.push(el("p", { class: "notice", text: text.votingClosed }));
    }
    children.push(totalsOf(proposal));
    children.push(el("p", { class: "hint", text: text.allChannels }));
    return el("section", { class: "room-card", "aria-labelledby": "proposal-title-" + proposal.id }, children);
  }

  function totalsOf(proposal) {
    if (proposal.method === "rating") return ratingOf(proposal.rating);
    return el("dl", { class: "totals" }, ["support", "oppose", "abstain"].map((choice) => el("div", {}, [
      el("dt", { text: text.choices[choice] }),
      el("dd", { text: String(proposal.totals[choice]) }),
    ])));
  }

  // A rating's result as the server draws it: the average in words, a row per value with its count and a bar.
  function ratingOf(rating) {
    const average = rating.count
      ? text.ratingAverage.replace("{average}", oneDecimal.format(rating.average)) + " (" + plural(text.ratingCount, rating.count) + ")"
      : text.noRatings;
    const rows = ["1", "2", "3", "4", "5"].map((value) => {
      const count = rating.distribution[value] || 0;
      const percent = rating.count ? Math.round((100 * count) / rating.count) : 0;
      return el("tr", {}, [
        el("th", { scope: "row", text: text.ratings[value] }),
        el("td", { class: "rating-count", text: String(count) }),
        el("td", { class: "rating-bar" }, [el("meter", {
          min: "0", max: String(rating.count || 1), value: String(count),
          "aria-label": text.ratings[value] + ": " + percent + " %", text: percent + " %",
        })]),
      ]);
    });
    return el("div", { class: "totals rating-result" }, [
      el("p", { class: "rating-average", text: average }),
      el("table", { class: "rating-distribution" }, [el("tbody", {}, rows)]),
    ]);
  }

  // --- sending --------------------------------------------------------------------------

  function send(url, body, attempt) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrfToken, Accept: "application/json" },
      body: JSON.stringify(body),
    }).then((response) => response.json().catch(() => ({})).then((data) => ({ response, data })))
      .then(({ response, data }) => {
        if (response.ok) return data;
        const retryable = response.status === 429 || response.status >= 500;
        if (retryable && attempt < 3) {
          const wait = response.status === 429 ? Number(response.headers.get("Retry-After") || 5) : 2 ** attempt;
          notify(text.retrying, "status");
          return delay(wait * 1000 * jitter(1, 1.5)).then(() => send(url, body, attempt + 1));
        }
        const error = new Error(data.detail || text.notCounted);
        error.final = true;
        throw error;
      }, (networkError) => {
        // Not even an answer: the vote may not have arrived. Sending it again is safe (one vote per phone).
        if (attempt < 3) {
          notify(text.retrying, "status");
          return delay(1000 * 2 ** attempt * jitter(1, 1.5)).then(() => send(url, body, attempt + 1));
        }
        const error = new Error(text.notCounted);
        error.final = true;
        throw error;
      });
  }

  // A vote over the socket: its answer comes back with the same ref. Fails (without a status) when the
  // socket closes or stays silent; the caller then sends it over HTTP.
  function sendOverSocket(body) {
    return new Promise((resolve, reject) => {
      const ref = nextRef++;
      const timer = setTimeout(() => settle(ref, null), SOCKET_ANSWER_MS);
      awaiting.set(ref, { resolve, reject, timer });
      socket.send(JSON.stringify(Object.assign({ type: "vote", ref: ref }, body)));
    });
  }

  function settle(ref, message) {
    const waiting = awaiting.get(ref);
    if (!waiting) return;
    awaiting.delete(ref);
    clearTimeout(waiting.timer);
    if (message && message.type === "counted") {
      waiting.resolve(message);
      return;
    }
    const error = new Error((message && message.detail) || text.notCounted);
    error.status = message ? message.status : null;
    waiting.reject(error);
  }

  function sendVote(url, body) {
    if (!socket || socket.readyState !== 1 || !socketLive || !config.socketVotes) return send(url, body, 0);
    return sendOverSocket(body).catch((error) => {
      // Refused for good (not shown, not open...): say why. Busy, failed or not answered: over HTTP.
      if (error.status && error.status !== 429 && error.status < 500) {
        error.final = true;
        throw error;
      }
      return send(url, body, 0);
    });
  }

  function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function busy(form, on) {
    form.querySelectorAll("button").forEach((button) => { button.disabled = on; });
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  // What this phone sent stays marked where it is (focus and what is typed elsewhere stay too).
  function markDone(form, submitter) {
    if (form.classList.contains("vote-form")) {
      form.querySelectorAll("button").forEach((button) => {
        if (button === submitter) button.setAttribute("aria-pressed", "true");
        else button.removeAttribute("aria-pressed");
      });
    } else if (form.classList.contains("upvote-form")) {
      const button = form.querySelector("button");
      button.setAttribute("aria-pressed", "true");
      button.disabled = true;
      button.textContent = text.backed;
      return;
    } else if (form.classList.contains("answer-form")) {
      form.querySelector("button[type=submit]").textContent = text.changeAnswer;
    } else {
      return;
    }
    const next = form.nextElementSibling;
    if (!next || !next.classList.contains("mine")) {
      const note = form.classList.contains("vote-form") ? text.voted : text.answered;
      form.after(el("p", { class: "notice notice--success mine", text: note }));
    }
  }

  function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !root.contains(form)) return;
    event.preventDefault();
    const data = new FormData(form);
    let url = config.urls.api;
    let body = {};
    let done = null;
    if (form.classList.contains("answer-form")) {
      const poll = frame.room.poll;
      body.poll = Number(data.get("poll"));
      if (poll.kind === "single" || poll.kind === "multiple") body.option = data.getAll("option").map(Number);
      else if (poll.kind === "scale") body.value = Number(data.get("value"));
      else body.text = String(data.get("text") || "");
      done = () => {
        storageSet(window.localStorage, answerKey(poll), JSON.stringify({ options: body.option || [], value: body.value || null, text: body.text || "" }));
        storageSet(window.sessionStorage, draftKey(poll), null);
      };
    } else if (form.classList.contains("vote-form")) {
      const choice = event.submitter ? event.submitter.value : null;
      if (!choice) return;
      body = { proposal: Number(data.get("proposal")) };
      if (event.submitter.name === "rating") body.rating = Number(choice);
      else body.choice = choice;
      done = () => storageSet(window.localStorage, "bf:" + config.code + ":vote:" + body.proposal, choice);
    } else if (form.classList.contains("question-form")) {
      url = config.urls.apiQuestions;
      body = { poll: Number(data.get("poll")), text: String(data.get("text") || "") };
      done = () => {
        storageSet(window.sessionStorage, draftKey(frame.room.poll), null);
        form.querySelector("textarea").value = "";
      };
    } else if (form.classList.contains("upvote-form")) {
      const question = Number(form.dataset.question);
      url = config.urls.apiUpvote.replace("/0/", "/" + question + "/");
      done = () => {
        const backed = JSON.parse(storageGet(window.localStorage, "bf:" + config.code + ":backed") || "[]");
        backed.push(question);
        storageSet(window.localStorage, "bf:" + config.code + ":backed", JSON.stringify(backed));
      };
    } else {
      return;
    }
    busy(form, true);
    notify(text.sending, "status");
    const vote = url === config.urls.api;
    (vote ? sendVote(url, body) : send(url, body, 0)).then((result) => {
      done();
      busy(form, false);
      markDone(form, event.submitter);
      notify(result.message || text.counted, "success");
    }).catch((error) => {
      notify(error.message, "error");
      busy(form, false);
    });
  }

  function rememberDraft(event) {
    const field = event.target;
    if (!frame.room || !frame.room.poll || !(field.name === "text")) return;
    storageSet(window.sessionStorage, draftKey(frame.room.poll), field.value);
  }

  // --- staying live ---------------------------------------------------------------------

  function sync() {
    clearTimeout(syncTimer);
    return fetch(config.urls.state, { cache: "no-store", credentials: "same-origin" })
      .then((response) => response.json())
      .then(apply)
      .catch(() => {});
  }

  function syncSoon() {
    // Many phones notice at once: spread their requests.
    clearTimeout(syncTimer);
    syncTimer = setTimeout(sync, jitter(500, 2000));
  }

  function startPolling() {
    if (pollTimer) return;
    setStatus("polling");
    const tick = () => {
      sync().finally(() => { pollTimer = setTimeout(tick, jitter(4000, 6000)); });
    };
    pollTimer = setTimeout(tick, jitter(1000, 3000));
  }

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function connect() {
    if (!("WebSocket" in window)) {
      startPolling();
      return;
    }
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + config.urls.socket);
    // A socket counts as working once the server answered on it: some proxies accept and then cut it.
    let answered = false;
    let pinger = null;
    socket.addEventListener("open", () => {
      socket.send("ping");
      pinger = setInterval(() => socket.readyState === 1 && socket.send("ping"), 25000);
    });
    socket.addEventListener("message", (event) => {
      if (!answered) {
        answered = true;
        socketLive = true;
        failures = 0;
        stopPolling();
        setStatus("live"); // the server sent the room's newest frame first: nothing to fetch
      }
      if (event.data === "pong") return;
      const message = JSON.parse(event.data);
      if (message.type === "heartbeat") {
        if (message.revision > frame.revision) syncSoon(); // a frame went missing
      } else if (message.type === "counted" || message.type === "refused") {
        settle(message.ref, message);
      } else {
        apply(message);
      }
    });
    socket.addEventListener("close", (event) => {
      clearInterval(pinger);
      socketLive = false;
      Array.from(awaiting.keys()).forEach((ref) => settle(ref, null)); // unanswered: they go over HTTP
      if (event.code === 4404 || event.code === 4410) {
        window.location.reload(); // unknown or ended: the page says so; no more retries
        return;
      }
      failures += answered ? 0 : 1;
      // Sockets blocked (a venue's proxy): poll the state instead, and try the socket now and then.
      if (failures >= 2) startPolling();
      else setStatus("offline");
      const wait = Math.min(30000, 1000 * 2 ** Math.min(failures, 5)) * jitter(0.5, 1.5);
      setTimeout(connect, failures >= 2 ? Math.max(wait, 30000) : wait);
    });
  }

  // The server drew what is shown now; from here on the script keeps it current.
  document.addEventListener("submit", onSubmit);
  document.addEventListener("input", rememberDraft);
  setStatus("connecting");
  connect();
})();
