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

// The arrow keys and Escape in the header's search suggestions. ArrowDown in the search
// box moves to the first suggestion, ArrowUp and ArrowDown move between them and back to
// the box, and Escape closes the list. Without JavaScript there are no suggestions, and
// the form submits to the search page.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("site-search-q");
    var list = document.getElementById("site-search-suggestions");
    var status = document.getElementById("site-search-status");
    if (!input || !list) {
      return;
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a[href]"));
    }

    function close() {
      list.innerHTML = "";
      if (status) {
        status.textContent = "";
      }
    }

    input.addEventListener("keydown", function (event) {
      var found = links();
      if (event.key === "ArrowDown" && found.length) {
        event.preventDefault();
        found[0].focus();
      } else if (event.key === "Escape" && found.length) {
        // The first Escape closes the list, and a second one clears the box as usual.
        event.preventDefault();
        close();
      }
    });

    // A list that arrives while a suggestion of the previous list has the focus replaces
    // that link, which would drop the focus to the page. It goes to the new first link.
    var focusedBeforeSwap = false;
    list.addEventListener("htmx:beforeSwap", function () {
      focusedBeforeSwap = list.contains(document.activeElement);
    });
    list.addEventListener("htmx:afterSwap", function () {
      if (focusedBeforeSwap) {
        focusedBeforeSwap = false;
        (links()[0] || input).focus();
      }
    });

    list.addEventListener("keydown", function (event) {
      var found = links();
      var index = found.indexOf(document.activeElement);
      if (index < 0) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        found[Math.min(index + 1, found.length - 1)].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index === 0 ? input : found[index - 1]).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
        input.focus();
      }
    });
  });
})();
