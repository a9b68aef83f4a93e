// The hall's call display (叫号屏): asks its JSON endpoint every second, shows the number
// each window is calling and the last calls, flashes a window that calls, and speaks
// each new call ("请 A001 号到 1 号窗口") with the browser's speech synthesis once
// someone has pressed the sound button (browsers only speak after a gesture).
// A call is new when its key (ticket and call count) was not seen: a recall is spoken again.
(() => {
  const root = document.querySelector("[data-display-url]");
  if (!root) return;
  const url = root.dataset.displayUrl;
  const EVERY_MS = 1000;
  const windowsBox = root.querySelector("[data-windows]");
  const callsBox = root.querySelector("[data-calls]");
  const waitingBox = root.querySelector("[data-waiting]");
  const offline = root.querySelector("[data-offline]");
  const clock = root.querySelector("[data-clock]");
  const soundButton = root.querySelector("[data-sound]");
  const text = (name) => root.querySelector(`template[data-${name}]`).innerHTML.trim();
  const windowLabel = text("window-label");
  const waitingLabel = text("waiting-label");

  // -- speech ------------------------------------------------------------------------
  const speech = "speechSynthesis" in window ? window.speechSynthesis : null;
  let soundOn = false;
  let voice = null;
  const pickVoice = () => {
    const voices = speech.getVoices();
    const norm = (v) => v.lang.replace("_", "-").toLowerCase();
    voice = voices.find((v) => norm(v) === "zh-cn") || voices.find((v) => norm(v).startsWith("zh")) || null;
  };
  const speak = (words) => {
    if (!speech || !soundOn) return;
    const utterance = new SpeechSynthesisUtterance(words);
    utterance.lang = "zh-CN";
    if (voice) utterance.voice = voice;
    utterance.rate = 0.85;
    speech.speak(utterance);
  };
  if (!speech) {
    soundButton.hidden = true;
  } else {
    pickVoice();
    speech.addEventListener("voiceschanged", pickVoice);
    soundButton.addEventListener("click", () => {
      soundOn = true;
      soundButton.hidden = true;
      speak(text("sound-on"));
    });
  }

  // -- the screen ----------------------------------------------------------------------
  const seen = new Set([...callsBox.querySelectorAll("[data-key]")].map((li) => li.dataset.key));

  const flash = (element) => {
    element.classList.remove("is-new");
    void element.offsetWidth; // restart the animation
    element.classList.add("is-new");
  };

  const windowTile = (number) => {
    let tile = windowsBox.querySelector(`[data-window="${number}"]`);
    if (!tile) {
      tile = document.createElement("div");
      tile.className = "hall-tv-window";
      tile.dataset.window = number;
      const label = document.createElement("div");
      label.className = "hall-tv-window-label";
      label.textContent = windowLabel.replace("{n}", number);
      const value = document.createElement("div");
      value.className = "hall-tv-window-number";
      tile.append(label, value);
    }
    return tile;
  };

  const showWindows = (windows) => {
    const tiles = windows.map((w) => {
      const tile = windowTile(w.number);
      tile.querySelector(".hall-tv-window-number").textContent = w.ticket || "—";
      tile.classList.toggle("is-idle", !w.ticket);
      tile.classList.toggle("is-closed", !w.open);
      return tile;
    });
    tiles.forEach((tile, i) => {
      if (windowsBox.children[i] !== tile) windowsBox.insertBefore(tile, windowsBox.children[i] || null);
    });
    while (windowsBox.children.length > tiles.length) windowsBox.lastElementChild.remove();
  };

  const showCalls = (calls) => {
    const items = calls.map((call) => {
      const li = document.createElement("li");
      li.dataset.key = call.key;
      const number = document.createElement("span");
      number.textContent = call.number;
      const where = document.createElement("span");
      where.textContent = windowLabel.replace("{n}", call.window);
      li.append(number, where);
      return li;
    });
    callsBox.replaceChildren(...items);
  };

  const showWaiting = (groups) => {
    waitingBox.replaceChildren(
      ...groups.map((g) => {
        const span = document.createElement("span");
        span.textContent = waitingLabel.replace("{group}", g.group).replace("{count}", g.count);
        return span;
      }),
    );
  };

  const announce = (calls) => {
    // Oldest first, so the hall hears them in the order the windows called.
    calls
      .filter((call) => !seen.has(call.key))
      .reverse()
      .forEach((call) => {
        seen.add(call.key);
        const tile = windowsBox.querySelector(`[data-window="${call.window}"]`);
        if (tile) flash(tile);
        speak(call.say);
      });
    if (seen.size > 500) {
      const keep = new Set(calls.map((c) => c.key));
      seen.forEach((key) => { if (!keep.has(key)) seen.delete(key); });
    }
  };

  const tick = () => {
    const now = new Date();
    clock.textContent = `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  };

  const poll = () => {
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), 3000);
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" }, signal: controller.signal })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        offline.hidden = true;
        showWindows(state.windows);
        showCalls(state.calls);
        showWaiting(state.waiting);
        announce(state.calls);
      })
      .catch(() => { offline.hidden = false; })
      .finally(() => {
        window.clearTimeout(timer);
        tick();
        window.setTimeout(poll, EVERY_MS);
      });
  };
  window.setTimeout(poll, EVERY_MS);
})();
