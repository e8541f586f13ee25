// Copy a calendar address to the clipboard; the field stays selectable where the
// Clipboard API is missing (such as on plain http).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector(".calendar-feeds__status");
  field.select();
  const announce = () => { if (status) status.textContent = button.dataset.copiedText; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(announce, () => {});
  } else if (document.execCommand("copy")) {
    announce();
  }
});
