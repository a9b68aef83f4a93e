// The dispatch board: "select all", the count on the bulk dispatch button, and the
// suggested department of a row (a click selects that department and checks the row).
(() => {
  const form = document.getElementById("gg-bulk-dispatch");
  if (!form) return;
  const boxes = () => document.querySelectorAll('input[name="case"][form="gg-bulk-dispatch"]');
  const button = form.querySelector("[data-bulk-submit]");
  const count = form.querySelector("[data-bulk-count]");
  const all = document.querySelector("[data-check-all]");
  const refresh = () => {
    const checked = [...boxes()].filter((box) => box.checked).length;
    count.textContent = checked;
    button.disabled = checked === 0;
    if (all) all.checked = checked > 0 && checked === boxes().length;
  };
  document.addEventListener("change", (event) => {
    if (event.target === all) boxes().forEach((box) => { box.checked = all.checked; });
    refresh();
  });
  document.addEventListener("click", (event) => {
    const suggest = event.target.closest("[data-suggest]");
    if (!suggest) return;
    form.querySelector('select[name="department"]').value = suggest.dataset.suggest;
    const box = document.getElementById(`gg-case-${suggest.dataset.case}`);
    if (box) box.checked = true;
    refresh();
  });
  refresh();
})();
