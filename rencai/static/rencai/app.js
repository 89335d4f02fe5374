// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-children]");
  if (toggle) {
    const li = toggle.closest("li");
    if (li) li.classList.toggle("collapsed");
  }
});
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = "操作失败(" + event.detail.xhr.status + "),请刷新页面后重试。";
    box.hidden = false;
  }
});
