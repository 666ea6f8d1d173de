/*
 * Sourcing Advisor — small progressive enhancements. Every page works without
 * this file; the CSP forbids inline handlers, so behaviour is declared with
 * data attributes and wired here:
 *
 *   <form data-warn-unsaved>   warns on leaving the page with unsaved edits (questionnaire steps)
 *
 * The account menu is a <details> element; this only closes it on Escape or a
 * click elsewhere.
 */
(function () {
  "use strict";

  function closeMenus(except) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.user-menu"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details.user-menu[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });

  // Warn before leaving a form with unsaved edits.
  var dirtyForms = new Set();

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) {
      dirtyForms.add(form);
    }
  });

  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) {
      dirtyForms.delete(event.target);
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
