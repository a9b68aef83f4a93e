// The outbox on the phone: each item the worker recorded offline with its state, so
// nothing waits unseen. Plain DOM over window.ggOutbox (load outbox.js first).
//
//   <div data-outbox></div>                       the list (newest first)
//   <span data-outbox-count></span>              how many wait; hidden at 0
//   <button data-outbox-flush>立即发送</button>   sends now
//   <div data-outbox-status></div>                how the last sending went
//
// The texts default to Chinese; a template passes its translations as data attributes
// on the [data-outbox] element: data-label-waiting, -stored, -duplicate, -refused and
// -conflict ("{reason}" is replaced), -empty, -remove, -retry, -confirm-remove,
// -offline, -login, -server, -sent ("{n}"), and data-kind-labels (JSON, kind → name).
(() => {
  const LABELS = {
    waiting: "待发送",
    stored: "已保存",
    duplicate: "重复已忽略",
    refused: "被拒绝（{reason}）",
    conflict: "冲突（{reason}）",
    empty: "没有待发送的记录",
    remove: "删除",
    retry: "重新发送",
    confirmRemove: "删除这条记录？删除后不能恢复。",
    offline: "当前离线，联网后自动发送",
    login: "登录已过期，请重新登录后再发送",
    server: "服务器暂时无法接收，稍后自动重试",
    sent: "已发送 {n} 条",
  };
  const KINDS = {
    visit: "走访",
    diary: "民情日志",
    diary_item: "民情日志事项",
    request: "居民诉求",
    case: "上报案件",
    service: "便民服务",
    patrol: "巡查",
  };
  const BADGES = {
    waiting: "text-bg-secondary",
    stored: "text-bg-success",
    duplicate: "text-bg-light border",
    refused: "text-bg-danger",
    conflict: "text-bg-warning",
  };
  const SUMMARY_FIELDS = ["title", "content", "findings", "text", "summary"];

  const root = document.querySelector("[data-outbox]");
  const labels = { ...LABELS };
  let kinds = { ...KINDS };
  if (root) {
    for (const key of Object.keys(LABELS)) {
      const attr = "label" + key[0].toUpperCase() + key.slice(1);
      if (root.dataset[attr]) labels[key] = root.dataset[attr];
    }
    try {
      kinds = { ...KINDS, ...JSON.parse(root.dataset.kindLabels || "{}") };
    } catch (error) {
      // keep the defaults
    }
  }

  const stateText = (item) => labels[item.state].replace("{reason}", item.reason || "—");
  const when = (ms) =>
    new Date(ms).toLocaleString("zh-CN", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const summary = (payload) => {
    for (const field of SUMMARY_FIELDS) {
      const value = payload && payload[field];
      if (typeof value === "string" && value.trim()) {
        const text = value.trim();
        return text.length > 30 ? text.slice(0, 30) + "…" : text;
      }
    }
    return "";
  };

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function row(item) {
    const li = element("li", "list-group-item d-flex flex-column gap-1");
    li.dataset.clientId = item.client_id;
    li.dataset.state = item.state;
    const top = element("div", "d-flex align-items-center gap-2");
    top.append(element("span", "fw-semibold text-nowrap", kinds[item.kind] || item.kind));
    top.append(element("span", "text-muted small text-nowrap", when(item.created_at)));
    top.append(element("span", `badge ms-auto text-wrap text-start ${BADGES[item.state] || ""}`, stateText(item)));
    li.append(top);
    const text = summary(item.payload);
    if (text) li.append(element("div", "small text-body-secondary", text));
    if (item.state === "refused" || item.state === "conflict") {
      const actions = element("div", "d-flex gap-2");
      const retry = element("button", "btn btn-sm btn-outline-primary", labels.retry);
      retry.type = "button";
      retry.addEventListener("click", () => window.ggOutbox.retry(item.client_id).then(() => window.ggOutbox.flush()));
      const remove = element("button", "btn btn-sm btn-outline-danger", labels.remove);
      remove.type = "button";
      remove.addEventListener("click", () => {
        if (window.confirm(labels.confirmRemove)) window.ggOutbox.remove(item.client_id);
      });
      actions.append(retry, remove);
      li.append(actions);
    }
    return li;
  }

  async function render() {
    const items = (await window.ggOutbox.list()).reverse();
    const waiting = items.filter((i) => i.state === "waiting").length;
    document.querySelectorAll("[data-outbox-count]").forEach((el) => {
      el.textContent = String(waiting);
      el.hidden = waiting === 0;
    });
    if (!root) return;
    if (!items.length) {
      root.replaceChildren(element("p", "text-muted small mb-0", labels.empty));
      return;
    }
    const list = element("ul", "list-group list-group-flush");
    list.append(...items.map(row));
    root.replaceChildren(list);
  }

  function status(result) {
    let text = "";
    if (result.error) text = labels[result.error] || labels.server;
    else if (result.stored + result.duplicate > 0) text = labels.sent.replace("{n}", result.stored + result.duplicate);
    document.querySelectorAll("[data-outbox-status]").forEach((el) => {
      el.textContent = text;
      el.hidden = !text;
    });
  }

  const buttons = () => document.querySelectorAll("[data-outbox-flush]");
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-outbox-flush]");
    if (!button) return;
    event.preventDefault();
    window.ggOutbox.flush();
  });

  window.addEventListener("gg-outbox", (event) => {
    const detail = event.detail || {};
    if (detail.sending) buttons().forEach((b) => (b.disabled = true));
    if (detail.flushed) {
      buttons().forEach((b) => (b.disabled = false));
      status(detail.flushed);
    }
    render();
  });
  const offline = () => status({ error: navigator.onLine ? null : "offline", stored: 0, duplicate: 0 });
  window.addEventListener("offline", offline);
  if (!navigator.onLine) offline();
  render();
})();
