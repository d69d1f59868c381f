/* The policy finder (惠企政策 → 政策查找): filters the published, current
 * policies in data/policies.js (or data/policies.json) by industry, size, town and category.
 * A policy whose list for a dimension is empty fits every choice.
 * No external library; does nothing on pages without the finder form. */
(function () {
  "use strict";
  var form = document.getElementById("policy-finder");
  if (!form) return;
  var status = document.getElementById("policy-finder-status");
  var results = document.getElementById("policy-finder-results");
  var KEYS = ["industry", "size", "town", "category"];
  var FIELDS = { industry: "industries", size: "sizes", town: "towns" };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fits(policy, choice, skip) {
    return KEYS.every(function (key) {
      var want = choice[key];
      if (!want || key === skip) return true;
      if (key === "category") return policy.category === want;
      var list = policy[FIELDS[key]];
      return list.length === 0 || list.indexOf(want) !== -1;
    });
  }

  function current() {
    var choice = {};
    KEYS.forEach(function (key) { choice[key] = form.elements[key].value; });
    return choice;
  }

  function cnDate(iso) {
    var p = iso.split("-");
    return Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }

  function show(data) {
    var choice = current();
    var policies = data.policies;
    // How many policies each option would list, the other choices kept. A policy open to
    // every town (industry, size) is listed under each of them, so the empty choice's
    // count (all the policies) can be larger than any one town's: "共" says it is the whole.
    KEYS.forEach(function (key) {
      var select = form.elements[key];
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.dataset.label) option.dataset.label = option.textContent;
        var trial = Object.assign({}, choice);
        trial[key] = option.value;
        var n = policies.filter(function (p) { return fits(p, trial); }).length;
        option.textContent = option.dataset.label + (option.value ? "（" + n + " 项）" : "（共 " + n + " 项）");
      });
    });
    var matched = policies.filter(function (p) { return fits(p, choice); });
    status.textContent = "符合条件的有效政策共 " + matched.length + " 项。";
    results.textContent = "";
    data.categories.forEach(function (category) {
      var items = matched.filter(function (p) { return p.category === category; });
      if (!items.length) return;
      var section = el("section", { "class": "nq-finder__group", "data-category": category });
      section.appendChild(el("h2", {}, category + "（" + items.length + " 项）"));
      var list = el("ul");
      items.forEach(function (p) {
        var li = el("li", { "data-policy": p.id });
        li.appendChild(el("a", { href: p.url }, p.title));
        // The date stays on one line (2024年12月⏎31日 is two halves of nothing).
        li.appendChild(document.createTextNode("（" + p.issuer + (p.effective_to ? "，有效期至" : "")));
        if (p.effective_to) li.appendChild(el("span", { "class": "nq-nowrap" }, cnDate(p.effective_to)));
        li.appendChild(document.createTextNode("）"));
        list.appendChild(li);
      });
      section.appendChild(list);
      results.appendChild(section);
    });
    var query = new URLSearchParams();
    KEYS.forEach(function (key) { if (choice[key]) query.set(key, choice[key]); });
    var search = query.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
  }

  function start(data) {
    var params = new URLSearchParams(location.search);
    KEYS.forEach(function (key) {
      var value = params.get(key);
      var select = form.elements[key];
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    form.addEventListener("change", function () { show(data); });
    form.addEventListener("reset", function () { setTimeout(function () { show(data); }, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    show(data);
  }

  /* data/policies.js (loaded by the page) works from a file too; fetch() needs a web server. */
  if (window.NUANQI_POLICIES) {
    start(window.NUANQI_POLICIES);
    return;
  }
  fetch(form.getAttribute("data-src"))
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(start)
    .catch(function () {
      status.textContent = "政策数据未能加载，请到“惠企政策”页按类别浏览。";
    });
})();
