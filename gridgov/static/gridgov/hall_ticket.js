// The queue ticket: print buttons at the desk ([data-print]), and on the applicant's
// phone the live ticket page, which asks its small JSON endpoint every few seconds
// and stops once the number is done or gone. No inline scripts (the CSP allows none).
(() => {
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  const root = document.querySelector("[data-live-url]");
  if (!root) return;
  const url = root.dataset.liveUrl;
  const EVERY_MS = 2500;
  const field = (name) => root.querySelector(`[data-field="${name}"]`);
  const waitingFacts = root.querySelector("[data-when-waiting]");
  const rateLink = root.querySelector("[data-when-done]");
  const note = root.querySelector("[data-live-note]");
  let lastStatus = null;

  const show = (state) => {
    field("status_label").textContent = state.status_label;
    field("message").textContent = state.message;
    const waiting = state.status === "waiting";
    waitingFacts.hidden = !waiting;
    rateLink.hidden = state.status !== "done";
    if (waiting) {
      field("ahead").textContent = state.ahead === null ? "—" : state.ahead;
      field("wait_label").textContent = state.wait_label;
    }
    if (state.status === "called" && lastStatus !== "called" && navigator.vibrate) {
      navigator.vibrate([300, 150, 300]); // a called number buzzes the phone
    }
    lastStatus = state.status;
  };

  const poll = () => {
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.status === 404) throw new Error("gone");
        return response.ok ? response.json() : null;
      })
      .then((state) => {
        if (state) {
          show(state);
          note.classList.remove("text-danger");
          if (state.final) return; // nothing will change any more
        }
        window.setTimeout(poll, EVERY_MS);
      })
      .catch((error) => {
        if (error.message === "gone") return;
        note.classList.add("text-danger"); // offline for a moment: keep trying
        window.setTimeout(poll, EVERY_MS * 2);
      });
  };
  window.setTimeout(poll, EVERY_MS);
})();
