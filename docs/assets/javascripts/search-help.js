/* Search that speaks Chinese and helps when it finds nothing (issue 17), for
 * both engines' search boxes:
 * - Zensical (0.0.73) writes its dialog's words in English ("No results",
 *   "Filters", "12 results"): they are put into Chinese here;
 * - an empty result says what to try and links the policy finder and the
 *   officers' directory;
 * - Material's box searches only on a key press: text pasted or dropped in
 *   searches too.
 * A page opened from a file (USB stick, shared drive) searches as well: the
 * engines' offline plugin and its shim (mkdocs.yml) do that.
 * No external script; nothing happens on a page without a search box. */
(function () {
  "use strict";
  var me = document.currentScript && document.currentScript.src;
  var base = me ? me.replace(/assets\/javascripts\/search-help\.js(\?.*)?$/, "") : "";
  var WORDS = {
    "Search": "查找",
    "Close search": "关闭搜索",
    "No results": "没有找到符合条件的结果",
    "Filters": "筛选",
    "Tags": "标签",
    "Loading search\u2026": "正在准备搜索……",
    "Search is unavailable. Reload the page to try again.": "搜索暂时不能用，请刷新页面再试。",
    "Search results": "搜索结果",
    "Use Up and Down arrow keys to move between tags. Press Space or Enter to toggle a tag.":
      "用上下方向键在标签间移动，按空格或回车键选中或取消标签。"
  };
  var COUNT = /^([\d,]+) results?$/;
  var NONE = ["没有找到符合条件的结果"];

  function help() {
    var p = document.createElement("p");
    p.className = "nq-search-help";
    p.setAttribute("style", "margin:.6em 1.2em;font-size:.8em;line-height:1.6;color:rgba(0,0,0,.75)");
    var parts = ["没有找到。可以少输几个字、只输入关键词（如“融资”“稳岗”），或输入政策文号；也可以用",
      ["政策查找", "policies/finder.html"], "按行业、规模和镇街筛选，或打电话问您的", ["暖企专员", "officers/index.html"], "。"];
    parts.forEach(function (part) {
      if (typeof part === "string") { p.appendChild(document.createTextNode(part)); return; }
      var a = document.createElement("a");
      a.href = base + part[1];
      a.textContent = part[0];
      p.appendChild(a);
    });
    return p;
  }

  /* Zensical: translate the dialog's words in its shadow root; show help under an empty result. */
  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      var count = COUNT.exec(text);
      if (WORDS[text]) node.nodeValue = WORDS[text];
      else if (count) node.nodeValue = "找到 " + count[1] + " 个结果";
    }
    root.querySelectorAll("[aria-label],[placeholder]").forEach(function (el) {
      ["aria-label", "placeholder"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && WORDS[value]) el.setAttribute(name, WORDS[value]);
      });
    });
    var status = root.querySelector("[role=status]");
    var shown = root.querySelector(".nq-search-help");
    var empty = status && (NONE.indexOf(status.textContent.trim()) !== -1);
    if (empty && !shown) status.parentNode.insertBefore(help(), status.nextSibling);
    if (!empty && shown) shown.remove();
  }

  function watchShadow(host) {
    var root = host.shadowRoot;
    if (!root || root.__nqHelp) return;
    root.__nqHelp = true;
    translate(root);
    new MutationObserver(function () { translate(root); })
      .observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
  }

  /* Material: help under "没有找到符合条件的结果"; search on paste and drop too. */
  function material() {
    var input = document.querySelector("input.md-search__input");
    var meta = document.querySelector(".md-search-result__meta");
    if (!input || !meta) return;
    input.addEventListener("input", function (event) {
      if (event.inputType && event.inputType.indexOf("insertText") === 0) return;  /* typed: Material sees the key */
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    });
    var check = function () {
      var shown = meta.parentNode.querySelector(".nq-search-help");
      var empty = NONE.indexOf(meta.textContent.trim()) !== -1;
      if (empty && !shown) meta.parentNode.insertBefore(help(), meta.nextSibling);
      if (!empty && shown) shown.remove();
    };
    new MutationObserver(check).observe(meta, { childList: true, subtree: true, characterData: true });
  }

  if (document.querySelector(".md-search__button")) {
    new MutationObserver(function () {
      Array.prototype.forEach.call(document.body.children, watchShadow);
    }).observe(document.body, { childList: true, subtree: true });
  } else {
    material();
  }
})();
