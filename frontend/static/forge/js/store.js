// Everything the page knows, from the server only: the latest view, the clock, chat,
// the feed of events, settings, legal actions. Panels read it and re-render on change.

const MAX_EVENTS = 150;

export class Store {
  constructor() {
    this.view = null;
    this.seq = null;
    this.clock = null;
    this.clockAt = 0;
    this.chat = new Map();
    this.lastChat = 0;
    this.events = [];
    this.settings = {};
    this.welcome = null;
    this.legal = null;
    this.connection = { state: "connecting" };
    this.roster = null;
    this.extra = {};
    this.listeners = new Set();
    this.scheduled = false;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Coalesce bursts of messages into one render per animation frame. */
  emit() {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      for (const fn of this.listeners) {
        try {
          fn(this);
        } catch (err) {
          console.error(err);
        }
      }
    };
    if (document.visibilityState === "hidden") setTimeout(run, 50);
    else requestAnimationFrame(run);
  }

  /**
   * A `state` push: the whole view, or (hello `patches: true`) a patch on the view at
   * `base`: the top-level keys that changed, and `drop`, the keys that went away.
   * Returns true if applied, false if stale, "gap" if a patch does not fit what the page
   * holds (the caller then asks for the whole view again with a sync).
   */
  applyState(msg) {
    if (!msg.resync && this.seq !== null && msg.seq < this.seq) return false;
    if (msg.patch) {
      if (!this.view || msg.base !== this.seq) return "gap";
      const view = { ...this.view, ...msg.patch };
      for (const k of msg.drop || []) delete view[k];
      this.view = view;
    } else {
      this.view = msg.view;
    }
    this.seq = msg.seq;
    if (Array.isArray(msg.events) && msg.events.length) {
      this.events.push(...msg.events);
      if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    }
    this.emit();
    return true;
  }

  applyClock(msg) {
    this.clock = msg;
    this.clockAt = performance.now();
    this.emit();
  }

  /** Milliseconds left in the phase now, or null when no phase is timed. */
  remainingMs() {
    const c = this.clock;
    if (!c || c.remaining_ms === null || c.remaining_ms === undefined) return null;
    if (c.status !== "running") return c.remaining_ms;
    return Math.max(0, c.remaining_ms - (performance.now() - this.clockAt));
  }

  /**
   * New messages, or ones pushed again because the facilitator hid them: the facilitator
   * keeps a hidden message (shown greyed), everyone else drops it.
   */
  applyChat(messages, { keepHidden = false } = {}) {
    for (const m of messages) {
      if (m.hidden && !keepHidden) this.chat.delete(m.id);
      else this.chat.set(m.id, m);
      this.lastChat = Math.max(this.lastChat, m.id);
    }
    this.emit();
  }

  applySettings(settings) {
    this.settings = { ...this.settings, ...settings };
    this.emit();
  }

  setLegal(result) {
    this.legal = {
      seq: result.seq,
      kinds: new Set(result.kinds || []),
      actions: result.actions || [],
    };
    this.emit();
  }

  /** Concrete legal actions of a type, optionally filtered by fields. */
  legalActions(type, match = {}) {
    if (!this.legal) return [];
    return this.legal.actions.filter((a) => a.type === type &&
      Object.entries(match).every(([k, v]) => a[k] === v));
  }

  can(kind) {
    return !!this.legal && this.legal.kinds.has(kind);
  }

  /** True if the legal actions list is for the view on screen. */
  legalFresh() {
    return !!this.legal && this.legal.seq === this.seq;
  }
}
