/* 办理进度查询: the enterprise types the receipt code (回执码) printed on its
 * 交办单; the page hashes it (SHA-256 of the normalised code), loads the one
 * records file named by the hash's first two hex digits as a <script> (so that
 * it works from file:// too), and opens the record sealed under the code
 * (generator/render/receipts.py describes the format). No request leaves the
 * site; SHA-256 is our own because crypto.subtle is missing on plain http. */
(function () {
  "use strict";
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  function sha256(bytes) {
    var n = bytes.length, total = ((n + 9 + 63) >> 6) << 6, m = new Uint8Array(total), i, j;
    m.set(bytes);
    m[n] = 0x80;
    var bits = n * 8;
    for (i = 0; i < 4; i++) { m[total - 1 - i] = (bits >>> (8 * i)) & 0xff; }
    m[total - 5] = Math.floor(n / 0x20000000) & 0xff;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (j = 0; j < total; j += 64) {
      for (i = 0; i < 16; i++) {
        w[i] = (m[j + 4 * i] << 24) | (m[j + 4 * i + 1] << 16) | (m[j + 4 * i + 2] << 8) | m[j + 4 * i + 3];
      }
      for (i = 16; i < 64; i++) {
        var a = w[i - 15], b = w[i - 2];
        var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
        var t1 = (H + S1 + ((E & F) ^ (~E & G)) + K[i] + w[i]) | 0;
        var S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
        var t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) | 0;
        H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
      }
      h[0] = (h[0] + A) | 0; h[1] = (h[1] + B) | 0; h[2] = (h[2] + C) | 0; h[3] = (h[3] + D) | 0;
      h[4] = (h[4] + E) | 0; h[5] = (h[5] + F) | 0; h[6] = (h[6] + G) | 0; h[7] = (h[7] + H) | 0;
    }
    var out = new Uint8Array(32);
    for (i = 0; i < 8; i++) {
      out[4 * i] = h[i] >>> 24; out[4 * i + 1] = (h[i] >>> 16) & 0xff;
      out[4 * i + 2] = (h[i] >>> 8) & 0xff; out[4 * i + 3] = h[i] & 0xff;
    }
    return out;
  }

  function utf8(text) { return new TextEncoder().encode(text); }
  function concat() {
    var size = 0, i, out, at = 0;
    for (i = 0; i < arguments.length; i++) { size += arguments[i].length; }
    out = new Uint8Array(size);
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }
  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    return s;
  }
  function same(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  // The same as receipts.normalise in Python.
  function normalise(typed) {
    return typed.normalize("NFKC").toUpperCase()
      .replace(/[-_\s\u3000\u2010-\u2014\u2212]/g, "")
      .replace(/O/g, "0").replace(/[IL]/g, "1");
  }

  function unseal(code, sealed) {
    var key = sha256(concat(utf8("nuanqi status record\0"), utf8(code)));
    var raw;
    try { raw = Uint8Array.from(atob(sealed), function (c) { return c.charCodeAt(0); }); } catch (e) { return null; }
    var iv = raw.subarray(0, 16), body = raw.subarray(16), plain = new Uint8Array(body.length);
    for (var n = 0; n * 32 < body.length; n++) {
      var block = sha256(concat(key, iv, new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])));
      for (var i = 0; i < 32 && n * 32 + i < body.length; i++) { plain[n * 32 + i] = body[n * 32 + i] ^ block[i]; }
    }
    if (!same(sha256(concat(key, utf8("iv"), plain)).subarray(0, 16), iv)) { return null; }
    try { return JSON.parse(new TextDecoder().decode(plain)); } catch (e) { return null; }
  }

  var shards = {};
  var waiting = {};
  window.nqStatus = function (shard, records) {
    shards[shard] = records;
    var done = waiting[shard];
    delete waiting[shard];
    if (done) { done(records); }
  };

  function load(base, shard, done) {
    if (shards[shard]) { done(shards[shard]); return; }
    waiting[shard] = done;
    var script = document.createElement("script");
    script.src = base + shard + ".js";
    script.onerror = function () { delete waiting[shard]; done({}); };
    document.head.appendChild(script);
  }

  function cnDate(iso) {
    var p = iso.split("-");
    return p[0] + "年" + Number(p[1]) + "月" + Number(p[2]) + "日";
  }

  function start() {
    var form = document.getElementById("nq-status-form");
    if (!form) { return; }
    var input = document.getElementById("nq-status-code");
    var found = document.getElementById("nq-status-found");
    var unknown = document.getElementById("nq-status-unknown");
    var invalid = document.getElementById("nq-status-invalid");
    var base = form.getAttribute("data-records");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      found.hidden = true; unknown.hidden = true; invalid.hidden = true;
      var code = normalise(input.value);
      if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(code)) { invalid.hidden = false; invalid.focus(); return; }
      var id = hex(sha256(utf8(code)));
      load(base, id.slice(0, 2), function (records) {
        var record = records[id] ? unseal(code, records[id]) : null;
        if (!record) { unknown.hidden = false; unknown.focus(); return; }
        document.getElementById("nq-status-value").textContent = record.status;
        document.getElementById("nq-status-dept").textContent = record.dept;
        document.getElementById("nq-status-due").textContent = record.due ? cnDate(record.due) : "—";
        document.getElementById("nq-status-closure").textContent = record.closure || "—";
        document.getElementById("nq-status-closure-row").hidden = !record.closure;
        found.hidden = false;
        found.focus();
      });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  // Zensical and Material's instant navigation replace the page without reloading scripts.
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(start); }
})();
