// The WebSocket connection (docs/protocol.md): envelopes {id, type, payload}, acks and
// errors matched by id, hello with the last seq/chat seen so a reconnect resumes where it
// left off, reconnect with capped exponential backoff and jitter, and a heartbeat that
// notices a dead link the browser has not noticed yet.
//
// Requests marked `resend` (actions, chat, engine controls: the server deduplicates them by
// id) survive a reconnect and are sent again with the same id until acknowledged; others
// fail at once with code "offline" so the person can decide to try again.

const BASE_DELAY = 500;
const MAX_DELAY = 15000;
const PING_EVERY = 15000;
const DEAD_AFTER = 40000;
const FATAL_CLOSE = new Set([4403, 4404]);
const FATAL_HELLO = new Set(["unauthorized", "forbidden", "not_found"]);

let counter = 0;
const session = Math.random().toString(36).slice(2, 8) + Date.now().toString(36);

export function newId(prefix = "m") {
  counter += 1;
  return `${prefix}-${session}-${counter}`;
}

export class RequestError extends Error {
  constructor(code, message, params = null) {
    super(`${code}: ${message}`);
    this.code = code;
    this.detail = message;
    this.params = params; // an engine refusal's facts, for a sentence in the page's language
  }
}

export class Connection {
  /**
   * @param {object} o
   * @param {string} o.path        WebSocket path, e.g. /ws/v1/games/ABCDEF/
   * @param {() => object} o.hello payload for the hello message (role, token, last_seq, last_chat)
   * @param {(msg: object) => void} o.onMessage every server message not consumed as an answer
   * @param {(status: object) => void} o.onStatus {state, attempt, retryInMs, reason}
   */
  constructor({ path, hello, onMessage, onStatus }) {
    this.path = path;
    this.helloPayload = hello;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.ws = null;
    this.state = "connecting"; // connecting | online | offline | stopped
    this.attempt = 0;
    this.pending = new Map(); // id -> {type, payload, resolve, reject, resend, timer, sent}
    this.helloId = null;
    this.lastSeen = 0;
    this.retryTimer = null;
    this.retryAt = 0;
    this.everOnline = false;
    this.reason = "";
    this.heartbeat = null;
    this._onBrowserOnline = () => this.reconnectNow();
    this._onVisible = () => { if (document.visibilityState === "visible") this.reconnectNow(); };
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + this.path;
  }

  start() {
    window.addEventListener("online", this._onBrowserOnline);
    document.addEventListener("visibilitychange", this._onVisible);
    this.heartbeat = setInterval(() => this._beat(), PING_EVERY / 3);
    this._connect();
  }

  stop(reason) {
    this.reason = reason || this.reason;
    this._setState("stopped");
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    window.removeEventListener("online", this._onBrowserOnline);
    document.removeEventListener("visibilitychange", this._onVisible);
    this._detach(true);
    this._failPending("offline", this.reason || "disconnected", true);
  }

  /** Try now instead of waiting out the backoff (browser back online, tab visible, button). */
  reconnectNow() {
    if (this.state === "offline" && (!this.ws || this.ws.readyState > 1)) {
      clearTimeout(this.retryTimer);
      this._connect();
    }
  }

  /**
   * Send a request; resolves with the server's ack (or welcome/pong), rejects with a
   * RequestError carrying the server's error code.
   */
  request(type, payload = {}, { resend = false, safe = false, timeout = resend ? 60000 : 20000 } = {}) {
    return new Promise((resolve, reject) => {
      if (this.state === "stopped") {
        reject(new RequestError("offline", this.reason || "the connection is closed"));
        return;
      }
      if (this.state !== "online" && !resend) {
        reject(new RequestError("offline", "you are offline; try again when reconnected"));
        return;
      }
      const id = newId(type.slice(0, 2));
      // safe: a read (legal actions, roster…) that may be sent twice without harm.
      const entry = { type, payload, resolve, reject, resend, safe, sent: false, sentAt: 0, timer: null };
      entry.timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new RequestError("timeout", "no answer from the server"));
      }, timeout);
      this.pending.set(id, entry);
      if (this.state === "online") this._sendEntry(id, entry);
    });
  }

  // ---- internals ------------------------------------------------------------------------
  _setState(state) {
    this.state = state;
    this._status();
  }

  _status() {
    if (this.onStatus) {
      this.onStatus({
        state: this.state,
        attempt: this.attempt,
        retryAt: this.retryAt,
        everOnline: this.everOnline,
        reason: this.reason,
      });
    }
  }

  _connect() {
    this._detach(true);
    this.retryAt = 0;
    if (this.state !== "offline") this._setState(this.everOnline ? "offline" : "connecting");
    else this._status();
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this._scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastSeen = Date.now();
      this.helloId = newId("hello");
      this._raw({ id: this.helloId, type: "hello", payload: this.helloPayload() });
    };
    ws.onmessage = (e) => this._receive(e.data);
    ws.onclose = (e) => this._closed(e.code);
    ws.onerror = () => { /* onclose follows and handles it */ };
  }

  _detach(close) {
    const ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (close && ws.readyState <= 1) {
      try { ws.close(); } catch { /* already closing */ }
    }
    this.ws = null;
  }

  _receive(text) {
    this.lastSeen = Date.now();
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === "welcome" && msg.id === this.helloId) {
      this.attempt = 0;
      this.everOnline = true;
      this.reason = "";
      this._setState("online");
      this.onMessage(msg);
      for (const [id, entry] of this.pending) {
        if (entry.resend || !entry.sent) this._sendEntry(id, entry);
      }
      return;
    }
    if (msg.type === "error" && msg.id && msg.id === this.helloId) {
      if (FATAL_HELLO.has(msg.code)) {
        this.reason = msg.message || msg.code;
        this.onMessage(msg);
        this.stop(this.reason);
        return;
      }
    }
    if (msg.type === "error" && !msg.id && msg.code === "rate_limited") {
      // An older server refused a message without naming it: whichever of the recent
      // requests it was gets no answer. Send the ones that are safe to repeat again.
      this._retryRecent();
    }
    if ((msg.type === "ack" || msg.type === "error" || msg.type === "pong") && msg.id) {
      const entry = this.pending.get(msg.id);
      if (entry && msg.type === "error" && msg.code === "rate_limited" && (entry.resend || entry.safe)) {
        // The server names the refused frame: send it again (same id) once the bucket refills.
        this._retryLater(msg.id, entry);
        return;
      }
      if (entry) {
        this.pending.delete(msg.id);
        clearTimeout(entry.timer);
        if (msg.type === "error") entry.reject(new RequestError(msg.code, msg.message, msg.params || null));
        else entry.resolve(msg);
        return;
      }
      if (msg.type === "pong") return;
    }
    this.onMessage(msg);
  }

  _closed(code) {
    this._detach(false);
    if (FATAL_CLOSE.has(code)) {
      this.stop(code === 4404 ? "there is no game with that code" :
        (this.reason || "the facilitator removed you from this game"));
      return;
    }
    this._failPending("offline", "the connection dropped; try again", false);
    this._scheduleRetry();
  }

  _scheduleRetry() {
    if (this.state === "stopped") return;
    const delay = Math.min(MAX_DELAY, BASE_DELAY * 2 ** this.attempt);
    const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    this.retryAt = Date.now() + jittered;
    this.state = "offline";
    this._status();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this._connect(), jittered);
  }

  _failPending(code, message, all) {
    for (const [id, entry] of this.pending) {
      if (all || !entry.resend) {
        this.pending.delete(id);
        clearTimeout(entry.timer);
        entry.reject(new RequestError(code, message));
      }
    }
  }

  _retryLater(id, entry) {
    if (entry.retrying) return;
    entry.retrying = true;
    setTimeout(() => {
      entry.retrying = false;
      if (this.pending.has(id) && this.state === "online") this._sendEntry(id, entry);
    }, 1200);
  }

  _retryRecent() {
    const since = Date.now() - 3000;
    for (const [id, entry] of this.pending) {
      if ((entry.resend || entry.safe) && entry.sent && entry.sentAt >= since && !entry.retrying) {
        entry.retrying = true;
        setTimeout(() => {
          entry.retrying = false;
          if (this.pending.has(id) && this.state === "online") this._sendEntry(id, entry);
        }, 1200);
      }
    }
  }

  _sendEntry(id, entry) {
    entry.sent = true;
    entry.sentAt = Date.now();
    this._raw({ id, type: entry.type, payload: entry.payload });
  }

  _raw(msg) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  _beat() {
    if (this.state === "offline" && this.retryAt) {
      this._status(); // refresh "retrying in n s"
      return;
    }
    if (this.state !== "online" || !this.ws) return;
    const quiet = Date.now() - this.lastSeen;
    if (quiet > DEAD_AFTER) {
      // The browser still thinks the socket is open, but nothing came back: start over.
      this._detach(true);
      this._failPending("offline", "the connection dropped; try again", false);
      this._scheduleRetry();
    } else if (quiet > PING_EVERY) {
      this._raw({ id: newId("ping"), type: "ping", payload: {} });
    }
  }
}
