// The window console: keeps the waiting counts fresh, and reloads the page when its
// current number or the window changed elsewhere (a colleague at the same window), so
// the buttons never act on a number the page no longer shows.
(() => {
  const root = document.querySelector("[data-state-url]");
  if (!root) return;
  const url = root.dataset.stateUrl;
  const EVERY_MS = 3000;
  // A button pressed here leaves the page anyway: reloading now would cancel its POST.
  let leaving = false;
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) leaving = true;
  });
  const busy = () => {
    const active = document.activeElement;
    return leaving || (active && active.matches("select, input, textarea"));
  };

  const show = (state) => {
    root.querySelector("[data-waiting-here]").textContent = state.waiting_here;
    state.groups.forEach((group) => {
      const waiting = root.querySelector(`[data-waiting="${group.letter}"]`);
      const priority = root.querySelector(`[data-waiting-priority="${group.letter}"]`);
      if (waiting) waiting.textContent = group.waiting;
      if (priority) priority.textContent = group.priority;
    });
    if (state.version !== root.dataset.version && !busy()) window.location.reload();
  };

  const poll = () => {
    if (document.hidden) {
      window.setTimeout(poll, EVERY_MS);
      return;
    }
    fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((state) => {
        if (state) show(state);
      })
      .catch(() => {})
      .finally(() => window.setTimeout(poll, EVERY_MS));
  };
  window.setTimeout(poll, EVERY_MS);
})();
