/* The policy finder (惠企政策 → 政策查找): filters the published, current
 * policies in data/policies.js (or data/policies.json) by industry, size, town and category.
 * A policy whose list for a dimension is empty fits every choice. Those that name an
 * industry, size or town are listed apart from those open to all. What the enterprise
 * says about itself (企业情况: numbers and yes/no, all optional, never sent anywhere)
 * is held against each policy's 申报条件: "符合 n/m 项", a condition left blank not met.
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

  // One condition of a policy against the enterprise's answers (profile: field -> number or "yes"/"no").
  function met(condition, profile) {
    var value = profile[condition.field];
    if (value === undefined || value === null || value === "") return false;
    switch (condition.test) {
      case "at_least": return value >= condition.min;
      case "at_most": return value <= condition.max;
      case "between": return value >= condition.min && value <= condition.max;
      case "yes": return value === "yes";
      case "no": return value === "no";
      default: return false;
    }
  }

  function profileOf(data) {
    var profile = {};
    (data.conditions || []).forEach(function (c) {
      var raw = form.elements["c-" + c.field].value.trim();
      if (raw === "") return;
      if (c.kind === "number") {
        var n = Number(raw);
        if (isFinite(n)) profile[c.field] = n;
      } else {
        profile[c.field] = raw;
      }
    });
    return profile;
  }

  function restricted(policy) {
    return ["industry", "size", "town"].some(function (key) { return policy[FIELDS[key]].length > 0; });
  }

  function item(p, profile) {
    var li = el("li", { "data-policy": p.id });
    li.appendChild(el("a", { href: p.url }, p.title));
    // The date stays on one line (2024年12月⏎31日 is two halves of nothing).
    li.appendChild(document.createTextNode("（" + p.issuer + (p.effective_to ? "，有效期至" : "")));
    if (p.effective_to) li.appendChild(el("span", { "class": "nq-nowrap" }, cnDate(p.effective_to)));
    li.appendChild(document.createTextNode("）"));
    var conditions = p.conditions || [];
    if (conditions.length) {
      var n = conditions.filter(function (c) { return met(c, profile); }).length;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "nq-finder__score", "data-met": String(n), "data-of": String(conditions.length) },
        "符合 " + n + "/" + conditions.length + " 项"));
    }
    var facts = [];
    if (p.support_cap_text) facts.push("扶持上限 " + p.support_cap_text);
    if (p.apply_to) facts.push("申报截止 " + cnDate(p.apply_to) + (p.apply_closed ? "（本期已截止）" : ""));
    var unmet = conditions.filter(function (c) { return !met(c, profile); }).map(function (c) { return c.text; });
    if (unmet.length) facts.push("未符合或未填：" + unmet.join("；"));
    if (facts.length) li.appendChild(el("span", { "class": "nq-finder__facts" }, facts.join(" · ")));
    return li;
  }

  function section(data, audience, heading, items, profile) {
    if (!items.length) return;
    var part = el("section", { "class": "nq-finder__audience", "data-audience": audience });
    part.appendChild(el("h2", {}, heading + "（" + items.length + " 项）"));
    data.categories.forEach(function (category) {
      var mine = items.filter(function (p) { return p.category === category; });
      if (!mine.length) return;
      var group = el("div", { "class": "nq-finder__group", "data-category": category });
      group.appendChild(el("h3", {}, category + "（" + mine.length + " 项）"));
      var list = el("ul");
      mine.forEach(function (p) { list.appendChild(item(p, profile)); });
      group.appendChild(list);
      part.appendChild(group);
    });
    results.appendChild(part);
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
    var profile = profileOf(data);
    section(data, "aimed", "面向特定行业、规模或镇街的政策", matched.filter(restricted), profile);
    section(data, "open", "不限行业、规模和镇街的政策", matched.filter(function (p) { return !restricted(p); }), profile);
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
    form.addEventListener("input", function () { show(data); });
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
