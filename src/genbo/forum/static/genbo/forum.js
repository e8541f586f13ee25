/* Put a chosen mention (@[Name](user:ID)) into the post's text field at the cursor. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-mention]");
  if (!button) { return; }
  var form = button.closest("form");
  var field = form && form.querySelector("textarea[data-mention-target]");
  if (!field) { return; }
  var text = button.getAttribute("data-mention") + " ";
  var start = field.selectionStart;
  var end = field.selectionEnd;
  field.value = field.value.slice(0, start) + text + field.value.slice(end);
  field.focus();
  field.selectionStart = field.selectionEnd = start + text.length;
  var status = form.querySelector("[data-mention-status]");
  if (status) { status.textContent = button.getAttribute("data-mention-done"); }
});

/* Enter in the mention search looks people up; it must not send the half-written post. */
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !event.target.matches("#mention-q")) { return; }
  event.preventDefault();
  if (window.htmx) { window.htmx.trigger(event.target, "search"); }
});
