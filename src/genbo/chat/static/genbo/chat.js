// Live chat room: receives messages over a WebSocket and sends the form through it.
// Without JavaScript the page still works: the form posts and the page reloads.
(function () {
  "use strict";

  var CLOSE_SIGNED_OUT = 4401;
  var CLOSE_NO_ACCESS = 4403;
  var MAX_RETRY_DELAY_MS = 30000;
  // A socket that stays open this long resets the reconnection delay to one second. One
  // that the server closes sooner, such as for a frame it fails on each time, keeps
  // doubling the delay, so the page does not reconnect every second for ever.
  var STABLE_CONNECTION_MS = 10000;
  // Half the server's limit of frames per second on one socket (MAX_FRAMES_PER_SECOND in
  // consumers.py), so that sending a backlog after a reconnection never closes the socket.
  var MAX_FRAMES_PER_SECOND = 10;
  // Used when a rate-limited error does not say how long to wait.
  var DEFAULT_RETRY_AFTER_SECONDS = 10;

  function randomUuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function start() {
    var form = document.getElementById("chat-form");
    if (!form || form.dataset.paged) {
      return;
    }
    var log = document.getElementById("chat-log");
    var list = document.getElementById("chat-messages");
    var template = document.getElementById("chat-message-template");
    var texts = document.getElementById("chat-texts").dataset;
    var status = document.getElementById("chat-connection");
    var textarea = form.querySelector("textarea[name=body]");
    var clientIdField = form.querySelector("input[name=client_id]");
    var userId = Number(form.dataset.userId);
    var lastId = Number(form.dataset.newestId) || 0;
    // Messages sent but not stored yet, by client id, in the order they were written.
    // A message leaves this map with its "ack" or with an error that shows it as not
    // sent. After a reconnection every message still here is sent again.
    var pending = new Map();
    // Set from a rate-limit error until the waiting messages are stored (see retryLater).
    var holding = false;
    var holdTimer = null;
    var holdUntil = 0;
    // A copy of `pending` in sessionStorage, per room and per browser tab, so that a
    // reload, whether the server requests one or the person makes it, loses no message.
    // The page sends the copied messages again with their client ids, which the server
    // stores once.
    var pendingKey = "genbo-chat-pending:" + form.dataset.socketPath;
    var outbox = [];
    var sentTimes = [];
    var flushTimer = null;
    var socket = null;
    var retryDelay = 1000;
    var stableTimer = null;
    // True while the alert shows a rate-limit error, which goes away once every message
    // that waited for the limit is stored.
    var rateLimitShown = false;
    var stopped = false;

    var marker = document.getElementById("chat-new-marker");
    if (marker) {
      log.scrollTop = marker.offsetTop - log.offsetTop;
    } else {
      log.scrollTop = log.scrollHeight;
    }

    function showStatus(text) {
      status.hidden = !text;
      status.textContent = text || "";
    }

    function announce(text) {
      var region = document.getElementById("live-status");
      if (region) {
        region.textContent = text;
      }
    }

    function nearBottom() {
      return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    }

    function fill(element, message) {
      element.id = "message-" + message.id;
      element.dataset.id = message.id;
      element.classList.remove("chat-message--pending");
      element.classList.toggle("chat-message--deleted", message.deleted);
      element.querySelector(".chat-message__meta strong").textContent = message.author_name;
      var time = element.querySelector("time");
      time.dateTime = message.created_at;
      time.textContent = message.time;
      var edited = element.querySelector(".chat-message__edited");
      if (!edited) {
        // Messages rendered by the server have the note only when they were edited.
        edited = document.createElement("span");
        edited.className = "chat-message__edited";
        edited.textContent = texts.edited;
        var meta = element.querySelector(".chat-message__meta");
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(edited);
      }
      edited.hidden = !(message.edited && !message.deleted);
      var body = element.querySelector(".chat-message__body");
      if (message.deleted) {
        body.innerHTML = "";
        var note = document.createElement("p");
        note.className = "muted";
        note.textContent = texts.deleted;
        body.appendChild(note);
      } else {
        // The server sends HTML that its Markdown renderer and sanitiser produced.
        body.innerHTML = message.html;
      }
      // The links are removed, not hidden, because the stylesheet's display: flex on
      // them overrides the hidden attribute. A reloaded page has none for such messages.
      var actions = element.querySelector(".chat-message__actions");
      if (!actions) {
        return;
      }
      if (message.author_id !== userId || message.deleted) {
        actions.remove();
      } else if (actions.querySelector("[data-action]")) {
        actions.hidden = false;
        actions.querySelector("[data-action=edit]").href = texts.editUrl.replace("/0/", "/" + message.id + "/");
        actions.querySelector("[data-action=delete]").href = texts.deleteUrl.replace("/0/", "/" + message.id + "/");
      }
    }

    function newElement() {
      return template.content.firstElementChild.cloneNode(true);
    }

    function addMessage(message, fromOthers) {
      var empty = document.getElementById("chat-empty");
      if (empty) {
        empty.remove();
      }
      if (document.getElementById("message-" + message.id)) {
        return;
      }
      var follow = nearBottom();
      var element = newElement();
      fill(element, message);
      list.appendChild(element);
      lastId = Math.max(lastId, message.id);
      if (follow) {
        log.scrollTop = log.scrollHeight;
      }
      if (fromOthers) {
        var plain = element.querySelector(".chat-message__body").textContent.trim().slice(0, 200);
        announce(texts.announce.replace("{name}", message.author_name).replace("{text}", plain));
      }
      if (!document.hidden) {
        markRead();
      }
    }

    // Frames wait in `outbox` and leave at most MAX_FRAMES_PER_SECOND a second.
    function send(frame) {
      outbox.push(frame);
      flush();
    }

    function flush() {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        return;
      }
      var now = Date.now();
      sentTimes = sentTimes.filter(function (time) { return now - time < 1000; });
      while (outbox.length && sentTimes.length < MAX_FRAMES_PER_SECOND) {
        socket.send(JSON.stringify(outbox.shift()));
        sentTimes.push(now);
      }
      if (outbox.length && flushTimer === null) {
        flushTimer = window.setTimeout(function () {
          flushTimer = null;
          flush();
        }, 1000 - (now - sentTimes[0]) + 10);
      }
    }

    // One "read" frame waits at a time and carries the newest id, however many
    // messages arrive meanwhile.
    function markRead() {
      if (!socket || socket.readyState !== WebSocket.OPEN || !lastId) {
        return;
      }
      for (var index = 0; index < outbox.length; index++) {
        if (outbox[index].type === "read") {
          outbox[index].id = lastId;
          return;
        }
      }
      send({ type: "read", id: lastId });
    }

    function savePending() {
      var saved = [];
      pending.forEach(function (item, clientId) {
        saved.push({ client_id: clientId, body: item.body });
      });
      try {
        if (saved.length) {
          window.sessionStorage.setItem(pendingKey, JSON.stringify(saved));
        } else {
          window.sessionStorage.removeItem(pendingKey);
        }
      } catch (error) {
        // Storage that is full or turned off leaves the messages on this page only.
      }
    }

    function restorePending() {
      var saved;
      try {
        saved = JSON.parse(window.sessionStorage.getItem(pendingKey) || "[]");
      } catch (error) {
        return;
      }
      if (!Array.isArray(saved)) {
        return;
      }
      saved.forEach(function (entry) {
        if (entry && typeof entry.client_id === "string" && typeof entry.body === "string") {
          addPending(entry.client_id, entry.body);
        }
      });
    }

    // Shows a message as being sent and keeps it in `pending` until its "ack".
    function addPending(clientId, body) {
      var element = newElement();
      element.classList.add("chat-message--pending");
      element.querySelector(".chat-message__meta strong").textContent = texts.sending;
      element.querySelector(".chat-message__body").textContent = body;
      var actions = element.querySelector(".chat-message__actions");
      if (actions) {
        actions.remove();
      }
      list.appendChild(element);
      log.scrollTop = log.scrollHeight;
      var item = { body: body, element: element };
      pending.set(clientId, item);
      savePending();
      return item;
    }

    function sendMessage(clientId, item) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        send({ type: "send", client_id: clientId, body: item.body });
      }
      // Otherwise the message waits in `pending` and goes out when the socket reopens.
    }

    // After a rate-limit error the waiting messages go out one at a time, oldest first,
    // each after the acknowledgement of the one before. Sent together, a later one could
    // be stored before an earlier one that the server rejected.
    function sendFirstPending() {
      var first = pending.entries().next();
      if (first.done) {
        holding = false;
        return;
      }
      first.value[1].element.querySelector(".chat-message__meta strong").textContent =
        texts.sending;
      sendMessage(first.value[0], first.value[1]);
    }

    function sendPending() {
      if (holding) {
        if (holdTimer === null) {
          sendFirstPending();
        }
        return;
      }
      pending.forEach(function (item, clientId) {
        sendMessage(clientId, item);
      });
    }

    function retryLater(item, seconds) {
      holding = true;
      item.rateLimited = true;
      item.element.querySelector(".chat-message__meta strong").textContent = texts.waiting;
      var until = Date.now() + seconds * 1000;
      if (holdTimer !== null && until <= holdUntil) {
        return;
      }
      window.clearTimeout(holdTimer);
      holdUntil = until;
      holdTimer = window.setTimeout(function () {
        holdTimer = null;
        sendFirstPending();
      }, until - Date.now());
    }

    function waitingForRateLimit() {
      var waiting = false;
      pending.forEach(function (item) {
        waiting = waiting || Boolean(item.rateLimited);
      });
      return waiting;
    }

    function showNotSent(item, reason) {
      item.element.classList.remove("chat-message--pending");
      item.element.classList.add("chat-message--failed");
      item.element.querySelector(".chat-message__meta strong").textContent = texts.failed;
      if (reason) {
        var note = document.createElement("p");
        note.className = "errorlist";
        note.textContent = reason;
        item.element.querySelector(".chat-message__body").appendChild(note);
      }
    }

    function showError(text, rateLimited) {
      rateLimitShown = Boolean(rateLimited);
      var errors = form.querySelector(".chat-error");
      if (!errors) {
        errors = document.createElement("p");
        errors.className = "errorlist chat-error";
        errors.setAttribute("role", "alert");
        form.insertBefore(errors, form.firstChild);
      }
      errors.textContent = text;
    }

    function clearError() {
      rateLimitShown = false;
      var errors = form.querySelector(".chat-error");
      if (errors) {
        errors.remove();
      }
    }

    function onFrame(event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (frame.type === "message") {
        addMessage(frame.message, frame.message.author_id !== userId);
      } else if (frame.type === "ack") {
        var item = pending.get(frame.client_id);
        if (item) {
          item.element.remove();
          pending.delete(frame.client_id);
          savePending();
        }
        if (holding && holdTimer === null) {
          sendFirstPending();
        }
        if (rateLimitShown && !waitingForRateLimit()) {
          clearError();
        }
        addMessage(frame.message, false);
      } else if (frame.type === "changed") {
        var existing = document.getElementById("message-" + frame.message.id);
        if (existing) {
          fill(existing, frame.message);
        }
      } else if (frame.type === "error") {
        var failed = frame.client_id && pending.get(frame.client_id);
        if (failed && frame.code === "rate_limited") {
          retryLater(failed, frame.retry_after || DEFAULT_RETRY_AFTER_SECONDS);
        } else if (failed) {
          // Sending the same text again would fail the same way. The text goes back
          // into an empty message box, or else stays in the list, marked as not sent,
          // with the reason.
          pending.delete(frame.client_id);
          savePending();
          if (!textarea.value) {
            failed.element.remove();
            textarea.value = failed.body;
          } else {
            showNotSent(failed, frame.message);
          }
        }
        showError(frame.message, frame.code === "rate_limited");
      } else if (frame.type === "reload") {
        // The messages in `pending` are in sessionStorage and are sent after the reload.
        window.location.reload();
      }
    }

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + window.location.host + form.dataset.socketPath);
      socket.addEventListener("open", function () {
        stableTimer = window.setTimeout(function () {
          retryDelay = 1000;
        }, STABLE_CONNECTION_MS);
        showStatus(texts.connected);
        // Frames that did not leave before the last socket closed are dropped. The
        // messages among them are still in `pending` and go out again below.
        outbox = [];
        // The server replays the edits and deletions of the messages shown here, so
        // text deleted while this socket was closed does not stay on screen.
        var hello = { type: "hello", last_id: lastId };
        var oldestShown = list.querySelector("li[data-id]");
        if (oldestShown) {
          hello.first_id = Number(oldestShown.dataset.id);
        }
        send(hello);
        sendPending();
      });
      socket.addEventListener("message", onFrame);
      socket.addEventListener("close", function (event) {
        window.clearTimeout(stableTimer);
        if (event.code === CLOSE_SIGNED_OUT || event.code === CLOSE_NO_ACCESS) {
          stopped = true;
          showStatus(texts.closed);
          window.clearTimeout(holdTimer);
          holdTimer = null;
          holding = false;
          pending.forEach(function (item) {
            showNotSent(item, "");
          });
          pending.clear();
          savePending();
          return;
        }
        showStatus(texts.reconnecting);
        window.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
      });
    }

    form.addEventListener("submit", function (event) {
      if (stopped) {
        // The plain form post still works and carries its own client id.
        return;
      }
      event.preventDefault();
      var body = textarea.value;
      if (!body.trim()) {
        textarea.focus();
        return;
      }
      var clientId = randomUuid();
      var item = addPending(clientId, body);
      textarea.value = "";
      clientIdField.value = randomUuid();
      clearMentionSearch();
      if (holding) {
        // It waits behind the messages that the rate limit holds back.
        item.rateLimited = true;
        item.element.querySelector(".chat-message__meta strong").textContent = texts.waiting;
        return;
      }
      clearError();
      sendMessage(clientId, item);
    });

    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) {
        markRead();
      }
    });

    restorePending();
    connect();
  }

  // Empties the mention search of the form once its message is sent, so that the next
  // message does not start with the previous search and its results.
  function clearMentionSearch() {
    var search = document.getElementById("mention-q");
    if (!search) {
      return;
    }
    // A search request still in flight would otherwise fill the results again.
    if (window.htmx) {
      window.htmx.trigger(search, "htmx:abort");
    }
    search.value = "";
    var results = document.getElementById("mention-results");
    if (results) {
      results.replaceChildren();
    }
    var status = document.querySelector("#chat-mention [data-mention-status]");
    if (status) {
      status.textContent = "";
    }
  }

  // htmx puts the older messages above the shown ones and replaces the "Show older
  // messages" link, which would drop the focus to <body>. This keeps the first shown
  // message in place and moves the focus to the new link or, once the start of the
  // conversation is shown, to the log. Without JavaScript the link opens a page.
  function startOlderLoading() {
    var log = document.getElementById("chat-log");
    var list = document.getElementById("chat-messages");
    if (!log || !list) {
      return;
    }
    var anchor = null;
    var anchorTop = 0;
    var hadFocus = false;

    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target !== list) {
        return;
      }
      anchor = list.firstElementChild;
      anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
      hadFocus = log.contains(document.activeElement);
    });

    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.target !== list) {
        return;
      }
      if (anchor && anchor.isConnected) {
        log.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
      }
      if (hadFocus) {
        var link = document.querySelector("#chat-older a");
        (link || log).focus({ preventScroll: true });
      }
      anchor = null;
      hadFocus = false;
    });
  }

  function startAll() {
    // The mention search (forum.js) works on every chat page, also on older pages that
    // show no live messages.
    var mentionSearch = document.getElementById("chat-mention");
    if (mentionSearch) {
      mentionSearch.hidden = false;
    }
    startOlderLoading();
    start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
