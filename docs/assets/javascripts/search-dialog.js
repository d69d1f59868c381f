/* Zensical's search dialog, made to pass axe-core (issue 19). Zensical (0.0.73)
 * draws its search in a shadow root, out of reach of extra.css, with the matched
 * words in its accent colour #526cfe (4.25:1 on white, under WCAG's 4.5:1) and
 * the page path in 45 % black (3.4:1); and each result link is named by its
 * title alone although it shows the path and an excerpt too (WCAG 2.5.3). This
 * adds a stylesheet to that shadow root and lets each result be named by its
 * text. Material's search (MkDocs) has no such dialog: there it does nothing.
 * Listed in docs/help/publishing.md; drop it when Zensical fixes these. */
(function () {
  "use strict";
  var CSS = ".o mark{color:#2f3fa6}.n{color:rgb(0 0 0/.66)}";

  function fixResults(root) {
    root.querySelectorAll("a[role=option][aria-labelledby]").forEach(function (a) {
      a.removeAttribute("aria-labelledby");
    });
  }

  function patch(host) {
    var root = host.shadowRoot;
    /* The shadow root is there before the dialog inside it is drawn. */
    if (!root || root.__nqPatched) return;
    root.__nqPatched = true;
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    } catch (e) {
      var style = document.createElement("style");
      style.textContent = CSS;
      root.appendChild(style);
    }
    fixResults(root);
    new MutationObserver(function () { fixResults(root); }).observe(root, { childList: true, subtree: true });
  }

  if (!document.querySelector(".md-search__button")) return;  /* not Zensical's search */
  new MutationObserver(function () {
    Array.prototype.forEach.call(document.body.children, patch);
  }).observe(document.body, { childList: true, subtree: true });
})();
