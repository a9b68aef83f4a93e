// The grid worker's outbox: what is recorded on the phone without a network waits in
// IndexedDB (through the vendored idb, load vendor/idb-8.0.4/umd.js first) and is sent
// in batches to POST /api/v1/field/sync when the network returns. Survives closing the
// app; nothing is dropped until the server has answered for it.
//
// An item: {client_id, kind, payload, owner, state, reason, server_id, created_at,
// done_at}. `client_id` (crypto.randomUUID) makes a resend harmless: the server stores
// each client id once. A form carries its own in <input name="client_id"
// data-client-id> (filled here on load and after each record), so a post whose answer
// was lost and that is then kept here is still stored once. States: waiting → stored | duplicate (done: kept three days to
// show, then pruned) or refused | conflict (kept with the server's reason until the
// worker removes it). A conflict sent again goes without the household version the
// form carried: the worker has seen the server's file and sends the visit anyway.
//
// The request, in batches of at most 50 items and about 2 MB of JSON:
//   {"items": [{"client_id": "…", "kind": "visit", "payload": {…}, "recorded_at": "…"}, …]}
// (`recorded_at`, the phone's time of recording, dates an item whose form left its
// time or day empty).
// with the session cookie and X-CSRFToken, like the site's other fetches. The answer:
//   {"items": [{"client_id": "…", "status": "stored"|"duplicate"|"refused"|"conflict",
//               "reason": "…", "id": 123}, …]}
// An item the answer does not mention stays waiting. A photo (any File or Blob in a
// payload) is kept as a Blob and sent inside the JSON as
//   {"filename": "…", "content_type": "image/jpeg", "base64": "…"};
// photos over 1 MB are first shrunk to 1600 px JPEG on the phone.
//
// Only the items of the signed-in worker (the page's [data-outbox-owner]) are shown
// and sent, so a shared phone never sends one worker's records as another's.
//
// window.ggOutbox: enqueue, flush, list, remove, retry, submitOrQueue, owner. Changes
// fire "gg-outbox" on window (in every open tab of the app).
(() => {
  const DB_NAME = "gridgov-field";
  const STORE = "outbox";
  const SYNC_URL = "/api/v1/field/sync";
  const BATCH_ITEMS = 50;
  const BATCH_CHARS = 2_000_000; // under Django's 2.5 MB request body limit
  const KEEP_DONE_MS = 3 * 24 * 3600 * 1000;
  const RETRY_MS = 60_000;
  const DONE = new Set(["stored", "duplicate"]);
  const ANSWERS = new Set(["stored", "duplicate", "refused", "conflict"]);
  const SAVED_OFFLINE = "已离线保存，联网后自动发送";

  let database = null;
  const db = () =>
    (database ||= idb.openDB(DB_NAME, 1, {
      upgrade(d) {
        d.createObjectStore(STORE, { keyPath: "client_id" });
      },
    }));

  const owner = () => {
    const el = document.querySelector("[data-outbox-owner]");
    return el ? el.dataset.outboxOwner : "";
  };

  const channel = "BroadcastChannel" in window ? new BroadcastChannel("gridgov-outbox") : null;
  const changed = (detail = {}) => {
    window.dispatchEvent(new CustomEvent("gg-outbox", { detail }));
    if (channel) channel.postMessage(detail);
  };
  if (channel) channel.onmessage = (event) => window.dispatchEvent(new CustomEvent("gg-outbox", { detail: event.data }));

  const uuid = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // an insecure origin (plain http)
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  // -- the store ------------------------------------------------------------------------

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  async function enqueue(kind, payload) {
    const own = payload && payload.client_id;
    if (payload && "client_id" in payload) {
      payload = { ...payload };
      delete payload.client_id;
    }
    const item = {
      client_id: typeof own === "string" && UUID.test(own) ? own.toLowerCase() : uuid(),
      kind,
      payload,
      owner: owner(),
      state: "waiting",
      reason: "",
      server_id: null,
      created_at: Date.now(),
      done_at: null,
    };
    await (await db()).put(STORE, item);
    changed({ client_id: item.client_id, state: item.state });
    return item;
  }

  // This worker's items, oldest first.
  async function list() {
    const me = owner();
    const all = await (await db()).getAll(STORE);
    return all.filter((i) => i.owner === me).sort((a, b) => a.created_at - b.created_at);
  }

  async function remove(clientId) {
    await (await db()).delete(STORE, clientId);
    changed({ client_id: clientId, state: "removed" });
  }

  // A refused or conflicting item sent again as it is (after the cause was fixed elsewhere).
  async function retry(clientId) {
    const d = await db();
    const item = await d.get(STORE, clientId);
    if (!item || DONE.has(item.state)) return;
    if (item.state === "conflict" && item.payload) delete item.payload.household_version;
    Object.assign(item, { state: "waiting", reason: "" });
    await d.put(STORE, item);
    changed({ client_id: clientId, state: "waiting" });
  }

  async function prune() {
    const d = await db();
    const old = Date.now() - KEEP_DONE_MS;
    for (const item of await d.getAll(STORE)) {
      if (DONE.has(item.state) && item.done_at < old) await d.delete(STORE, item.client_id);
    }
  }

  // -- sending ----------------------------------------------------------------------------

  const base64 = (blob) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });

  async function wire(value) {
    if (value instanceof Blob) {
      return { filename: value.name || "", content_type: value.type || "", base64: await base64(value) };
    }
    if (Array.isArray(value)) return Promise.all(value.map(wire));
    if (value && typeof value === "object") {
      const out = {};
      for (const [key, v] of Object.entries(value)) out[key] = await wire(v);
      return out;
    }
    return value;
  }

  const csrfToken = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };

  // Batches of items on the wire, each under the size and count limits; an item larger
  // than the limit goes alone.
  async function batches(items) {
    const out = [];
    let batch = [];
    let size = 0;
    for (const item of items) {
      const entry = {
        client_id: item.client_id,
        kind: item.kind,
        payload: await wire(item.payload),
        recorded_at: new Date(item.created_at).toISOString(),
      };
      const chars = JSON.stringify(entry).length;
      if (batch.length && (batch.length >= BATCH_ITEMS || size + chars > BATCH_CHARS)) {
        out.push(batch);
        batch = [];
        size = 0;
      }
      batch.push(entry);
      size += chars;
    }
    if (batch.length) out.push(batch);
    return out;
  }

  async function send(batch) {
    let response;
    try {
      response = await fetch(SYNC_URL, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ items: batch }),
      });
    } catch (error) {
      return { error: "offline" };
    }
    if (response.status === 401 || response.status === 403) return { error: "login" };
    if (!response.ok) return { error: "server", status: response.status };
    try {
      const answer = await response.json();
      return { answers: Array.isArray(answer) ? answer : answer.items || [] };
    } catch (error) {
      return { error: "server", status: response.status };
    }
  }

  async function record(answers) {
    const d = await db();
    const counts = { stored: 0, duplicate: 0, refused: 0, conflict: 0 };
    for (const answer of answers) {
      if (!answer || !ANSWERS.has(answer.status)) continue;
      const item = await d.get(STORE, answer.client_id);
      if (!item || item.state !== "waiting") continue;
      item.state = answer.status;
      item.reason = answer.reason || "";
      item.server_id = answer.id ?? null;
      item.done_at = DONE.has(answer.status) ? Date.now() : null;
      await d.put(STORE, item);
      counts[answer.status] += 1;
    }
    return counts;
  }

  // Send every waiting item of this worker. Resolves to {stored, duplicate, refused,
  // conflict, waiting, error}; error is "offline", "login" (the session ended: sign in
  // again) or "server", and the items concerned stay waiting.
  let running = null;
  function flush() {
    if (!running) {
      const work = () => flushNow();
      running = (navigator.locks ? navigator.locks.request("gridgov-outbox", work) : work()).finally(() => {
        running = null;
      });
    }
    return running;
  }

  async function flushNow() {
    const totals = { stored: 0, duplicate: 0, refused: 0, conflict: 0, waiting: 0, error: null };
    const waiting = (await list()).filter((i) => i.state === "waiting");
    if (waiting.length) {
      changed({ sending: true });
      for (const batch of await batches(waiting)) {
        const result = await send(batch);
        if (result.error) {
          totals.error = result.error;
          break;
        }
        const counts = await record(result.answers);
        for (const key of Object.keys(counts)) totals[key] += counts[key];
      }
    }
    await prune();
    totals.waiting = (await list()).filter((i) => i.state === "waiting").length;
    changed({ flushed: totals });
    return totals;
  }

  // -- forms --------------------------------------------------------------------------------

  const MAX_PHOTO_BYTES = 1024 * 1024;
  const MAX_PHOTO_SIDE = 1600;

  // A large photo shrunk to JPEG before it is kept; anything else, or any failure, as it was.
  async function shrink(file) {
    if (!(file instanceof Blob) || !file.type.startsWith("image/") || file.size <= MAX_PHOTO_BYTES) return file;
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      if (!blob) return file;
      const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, { type: "image/jpeg" });
    } catch (error) {
      return file;
    }
  }

  // The form's fields as a payload: one value per name, a list for repeated names,
  // files as Blobs; the CSRF token and empty file inputs left out.
  async function payloadOf(form) {
    const payload = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (name === "csrfmiddlewaretoken") continue;
      if (value instanceof File && !value.name && !value.size) continue;
      const kept = value instanceof File ? await shrink(value) : value;
      if (name in payload) payload[name] = [].concat(payload[name], kept);
      else payload[name] = kept;
    }
    return payload;
  }

  function say(form, text) {
    let box = form.querySelector("[data-outbox-message]");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-info py-2";
      box.setAttribute("role", "status");
      box.setAttribute("data-outbox-message", "");
      form.prepend(box);
    }
    box.hidden = false;
    box.textContent = text;
  }

  // Shows what the server answered to a form posted by fetch: a redirect is followed
  // as a navigation (the record was saved); a page of field errors takes the form's
  // place (same id), or the page's body when the form is not found in it.
  async function show(form, response) {
    const html = await response.text();
    const page = new DOMParser().parseFromString(html, "text/html");
    if (response.redirected) {
      carry(page, response.url);
      window.location.assign(response.url);
      return;
    }
    const again = form.id && page.getElementById(form.id);
    if (again) form.replaceWith(document.importNode(again, true));
    else document.body.replaceChildren(...Array.from(page.body.childNodes, (n) => document.importNode(n, true)));
  }

  // The page a saved form leads to was already fetched (and its one-time messages, "走访已
  // 登记。", shown to nobody): they are carried over to the same page opened again.
  const CARRIED = "gridgov-carried-messages";

  function carry(page, url) {
    const shown = Array.from(page.querySelectorAll(".gg-messages .alert"), (alert) => ({
      kind: (alert.className.match(/alert-(success|info|warning|danger)/) || [])[1] || "info",
      text: alert.textContent.trim(),
    }));
    if (!shown.length) return;
    try {
      sessionStorage.setItem(CARRIED, JSON.stringify({ url, shown }));
    } catch (error) {
      // private mode: the page opens without them
    }
  }

  function showCarried() {
    let carried = null;
    try {
      carried = JSON.parse(sessionStorage.getItem(CARRIED) || "null");
      sessionStorage.removeItem(CARRIED);
    } catch (error) {
      return;
    }
    const main = document.getElementById("main");
    if (!carried || carried.url !== window.location.href || !main || main.querySelector(".gg-messages")) return;
    const box = document.createElement("div");
    box.className = "gg-messages";
    for (const { kind, text } of carried.shown) {
      const alert = document.createElement("div");
      alert.className = `alert alert-${kind}`;
      alert.setAttribute("role", "alert");
      alert.textContent = text;
      box.append(alert);
    }
    main.prepend(box);
  }

  // Post the form as the browser would when online; keep it in the outbox when the
  // phone is offline, or when the post fails for the network's sake (no answer, or the
  // gateway's 502/503/504), and tell the worker so.
  async function submitOrQueue(form, kind) {
    if (navigator.onLine) {
      try {
        const response = await fetch(form.action || window.location.href, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
        });
        if (![502, 503, 504].includes(response.status)) {
          await show(form, response);
          return { queued: false, status: response.status };
        }
      } catch (error) {
        // no network after all: keep it below
      }
    }
    const item = await enqueue(kind, await payloadOf(form));
    form.reset();
    freshIds(form); // the next record made on this form is another one
    say(form, form.dataset.offlineSaved || SAVED_OFFLINE);
    return { queued: true, item };
  }

  // A new client id for each record a form makes: on load (a page kept offline holds
  // none of its own) and after each record kept here.
  function freshIds(root) {
    root.querySelectorAll("input[data-client-id]").forEach((input) => {
      input.value = uuid();
    });
  }

  // Forms marked data-offline-kind="visit" (etc.) go through submitOrQueue.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const kind = form.dataset && form.dataset.offlineKind;
    if (!kind || event.defaultPrevented) return;
    event.preventDefault();
    submitOrQueue(form, kind);
  });

  // Send on coming back online, on every page load, and every minute while items wait
  // (the "online" event is not always fired when a weak network recovers).
  window.addEventListener("online", () => flush());
  const start = () => {
    showCarried();
    document.querySelectorAll("form[data-offline-kind]").forEach(freshIds);
    if (navigator.onLine) flush();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.setInterval(() => {
    if (navigator.onLine && !document.hidden) flush();
  }, RETRY_MS);

  window.ggOutbox = { enqueue, flush, list, remove, retry, submitOrQueue, owner };
})();
