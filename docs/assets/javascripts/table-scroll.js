/* A table wider than the screen scrolls sideways in the box the theme puts around
 * it (.md-typeset__scrollwrap, with the shadow hint of extra.css). Such a box is
 * given a name and a place in the tab order, so that a keyboard can scroll it
 * too and a screen reader says it scrolls (axe-core: scrollable-region-focusable).
 * A box whose table fits is left alone: no tab stop that does nothing. */
(function () {
  "use strict";
  var LABEL = "表格（可左右滑动查看全部列）";

  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", LABEL);
      } else if (!scrolls && box.getAttribute("aria-label") === LABEL) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  /* The theme wraps the tables once its script has run; check then, and when the screen turns. */
  if (document.readyState === "complete") { mark(); } else { window.addEventListener("load", mark); }
  window.addEventListener("resize", mark);
  new MutationObserver(function (changes) {
    for (var i = 0; i < changes.length; i++) {
      for (var j = 0; j < changes[i].addedNodes.length; j++) {
        var node = changes[i].addedNodes[j];
        if (node.nodeType === 1 && (node.classList.contains("md-typeset__scrollwrap") || node.querySelector(".md-typeset__scrollwrap"))) {
          mark();
          return;
        }
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
