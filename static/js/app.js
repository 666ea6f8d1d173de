/*
 * Sourcing Advisor — small progressive enhancements. Every page works without
 * this file; the CSP forbids inline handlers, so behaviour is declared with
 * data attributes and wired here:
 *
 *   <form data-warn-unsaved>   warns on leaving the page with unsaved edits (questionnaire steps):
 *                              a link click asks first, any other way out gets the browser's
 *                              "leave site?" prompt (beforeunload)
 *   <form data-warn-unsaved data-unsaved-on-load>   ... and counts as unsaved from the start
 *   [data-focus-on-load]       takes the focus when the page opens (an error summary);
 *                              otherwise the element the URL's #fragment names does, when it
 *                              has a tabindex (the question of a step)
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

  // A form filled in by the server but not saved yet (an answer restored after a session expiry).
  document.querySelectorAll("form[data-warn-unsaved][data-unsaved-on-load]").forEach(function (form) {
    dirtyForms.add(form);
  });

  // A link elsewhere (the step list, a breadcrumb, the menu) while an answer is unsaved.
  document.addEventListener("click", function (event) {
    if (dirtyForms.size === 0 || event.defaultPrevented) {
      return;
    }
    var link = event.target.closest("a[href]");
    if (!link || link.getAttribute("href").charAt(0) === "#" || link.target === "_blank") {
      return;
    }
    var form = dirtyForms.values().next().value;
    var question = form.getAttribute("data-warn-unsaved-message") ||
      "Your answer on this page is not saved. Leave without saving it?";
    if (window.confirm(question)) {
      dirtyForms.clear(); // the person chose to leave: no second prompt
    } else {
      event.preventDefault();
    }
  });

  function focusOnLoad() {
    var target = document.querySelector("[data-focus-on-load]");
    if (!target && window.location.hash.length > 1) {
      target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    }
    if (target && target.hasAttribute("tabindex")) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start", behavior: "instant" });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOnLoad);
  } else {
    focusOnLoad();
  }

  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
