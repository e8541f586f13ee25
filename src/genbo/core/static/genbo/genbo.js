// The menu button on narrow screens. Without JavaScript the menu simply stays open.
(function () {
  "use strict";
  document.documentElement.classList.add("has-menu-toggle");

  function setOpen(button, menu, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) {
      return;
    }
    button.addEventListener("click", function () {
      setOpen(button, menu, button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(button, menu, false);
        button.focus();
      }
    });
  });
})();
