/*
 * formc-expr.js — runtime for the JavaScript that formc generates from
 * expressions (visible_if, required_if, rules). Language reference:
 * schema/EXPRESSIONS.md.
 *
 * Contract:
 * - A plain static file: no eval, no Function constructor, no inline script,
 *   nothing fetched. It works under `Content-Security-Policy: script-src 'self'`.
 *   In a browser it defines the global `FormcExpr`; under node it is a module.
 * - A generated expression reads `d`, the flat JSON object of field values
 *   (same shape as `formc validate` reads), and calls this object as `F`:
 *   `F.gt(F.int(d, "duree_conservation_donnees_caractere_personnel"), 36)`.
 * - Semantics are those of the C++ runtime (formc/runtime/expr_runtime.h),
 *   implemented independently; tests/expr/cases.json keeps the two identical.
 *   Values: null, booleans, numbers (integers within ±(2^53−1), finite
 *   decimals), strings, dates as day numbers since 1970-01-01, arrays.
 */
(function (root, factory) {
  "use strict";
  var F = factory();
  if (typeof module === "object" && module !== null && typeof module.exports === "object") {
    module.exports = F;
  } else {
    root.FormcExpr = F;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  var MAX = 9007199254740991;
  var hasOwn = Object.prototype.hasOwnProperty;

  // ---- dates (Howard Hinnant's algorithms, as in expr_runtime.h) ----------
  function div(a, b) { return Math.trunc(a / b); } // C++ integer division on exact small integers
  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = div(y >= 0 ? y : y - 399, 400);
    var yoe = y - era * 400;
    var doy = div(153 * (m > 2 ? m - 3 : m + 9) + 2, 5) + d - 1;
    var doe = yoe * 365 + div(yoe, 4) - div(yoe, 100) + doy;
    return era * 146097 + doe - 719468;
  }
  function civilFromDays(z) {
    z += 719468;
    var era = div(z >= 0 ? z : z - 146096, 146097);
    var doe = z - era * 146097;
    var yoe = div(doe - div(doe, 1460) + div(doe, 36524) - div(doe, 146096), 365);
    var doy = doe - (365 * yoe + div(yoe, 4) - div(yoe, 100));
    var mp = div(5 * doy + 2, 153);
    var d = doy - div(153 * mp + 2, 5) + 1;
    var m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  var MIN_DAYS = daysFromCivil(1, 1, 1);
  var MAX_DAYS = daysFromCivil(9999, 12, 31);
  var MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  function validYmd(y, m, d) {
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]);
  }
  var DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  function parseDate(s) {
    if (typeof s !== "string" || !DATE_RE.test(s)) return null;
    var y = +s.slice(0, 4), m = +s.slice(5, 7), d = +s.slice(8, 10);
    return validYmd(y, m, d) ? daysFromCivil(y, m, d) : null;
  }
  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = "0" + s;
    return s;
  }
  function formatDate(days) {
    var c = civilFromDays(days);
    return pad(c[0], 4) + "-" + pad(c[1], 2) + "-" + pad(c[2], 2);
  }
  function checkedDate(days) { return days >= MIN_DAYS && days <= MAX_DAYS ? days : null; }

  // ---- reading fields (absent, JSON null or wrong type => null) -----------
  function get(d, name) {
    return d !== null && typeof d === "object" && !Array.isArray(d) && hasOwn.call(d, name) ? d[name] : null;
  }
  function asInt(v) {
    return typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= MAX ? v + 0 : null;
  }
  function str(d, name) { var v = get(d, name); return typeof v === "string" ? v : null; }
  function int(d, name) { return asInt(get(d, name)); }
  function bool(d, name) { var v = get(d, name); return typeof v === "boolean" ? v : null; }
  function date(d, name) { return parseDate(get(d, name)); }
  // Lists are never null: an absent or malformed list is empty.
  function list(d, name) {
    var v = get(d, name);
    if (!Array.isArray(v)) return [];
    for (var i = 0; i < v.length; i++) if (typeof v[i] !== "string") return [];
    return v;
  }
  function docs(d, name) {
    var v = get(d, name);
    if (!Array.isArray(v)) return [];
    for (var i = 0; i < v.length; i++) {
      if (v[i] === null || typeof v[i] !== "object" || Array.isArray(v[i])) return [];
    }
    return v;
  }

  // ---- comparison -----------------------------------------------------------
  // Strings compare by code point (UTF-16 code unit order differs above U+FFFF).
  function cmpStr(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    return j < b.length ? -1 : 0;
  }
  function cmp(a, b) {
    if (typeof a === "string") return cmpStr(a, b);
    if (typeof a === "boolean") return a === b ? 0 : (a ? 1 : -1);
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  function isNull(x) { return x === null || x === undefined; }
  function eq(a, b) { return !isNull(a) && !isNull(b) && cmp(a, b) === 0; }
  function ne(a, b) { return !eq(a, b); }
  function lt(a, b) { return !isNull(a) && !isNull(b) && cmp(a, b) < 0; }
  function le(a, b) { return !isNull(a) && !isNull(b) && cmp(a, b) <= 0; }
  function gt(a, b) { return lt(b, a); }
  function ge(a, b) { return le(b, a); }
  // Boolean context: null is false.
  function t(x) { return x === true; }

  // ---- arithmetic -------------------------------------------------------------
  // Integer results beyond ±(2^53−1) are null. For operands within that range the
  // double result is exact whenever the true result is, and lands beyond the
  // bound whenever the true result does, so this test is exact.
  function iresult(v) { return Math.abs(v) <= MAX ? v + 0 : null; }
  function dresult(v) { return isFinite(v) ? v : null; }
  function iadd(a, b) { return isNull(a) || isNull(b) ? null : iresult(a + b); }
  function isub(a, b) { return isNull(a) || isNull(b) ? null : iresult(a - b); }
  function imul(a, b) { return isNull(a) || isNull(b) ? null : iresult(a * b); }
  function imod(a, b) { return isNull(a) || isNull(b) || b === 0 ? null : a % b + 0; }
  function ineg(a) { return isNull(a) ? null : 0 - a; }
  function dadd(a, b) { return isNull(a) || isNull(b) ? null : dresult(a + b); }
  function dsub(a, b) { return isNull(a) || isNull(b) ? null : dresult(a - b); }
  function dmul(a, b) { return isNull(a) || isNull(b) ? null : dresult(a * b); }
  function ddiv(a, b) { return isNull(a) || isNull(b) || b === 0 ? null : dresult(a / b); }
  function dneg(a) { return isNull(a) ? null : -a; }
  // Dates are day numbers: date ± days, days + date, date − date.
  function tadd(a, b) { return isNull(a) || isNull(b) ? null : checkedDate(a + b); }
  function tsub(a, b) { return isNull(a) || isNull(b) ? null : checkedDate(a - b); }
  function tdiff(a, b) { return isNull(a) || isNull(b) ? null : a - b; }
  function year(x) { return isNull(x) ? null : civilFromDays(x)[0]; }
  function month(x) { return isNull(x) ? null : civilFromDays(x)[1]; }
  function day(x) { return isNull(x) ? null : civilFromDays(x)[2]; }
  function ymd(y, m, d) { return daysFromCivil(y, m, d); }

  var todayOverride = null;
  // Today's local date, unless a page or a test fixed it with setToday("YYYY-MM-DD").
  function today() {
    if (todayOverride !== null) return todayOverride;
    var now = new Date();
    return daysFromCivil(now.getFullYear(), now.getMonth() + 1, now.getDate());
  }
  function setToday(s) { todayOverride = s === null ? null : parseDate(s); }

  // ---- text ---------------------------------------------------------------------
  function len(s) {
    if (isNull(s)) return 0;
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      // A high surrogate followed by a low one is one code point.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var c2 = s.charCodeAt(i + 1);
        if (c2 >= 0xdc00 && c2 <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }
  function containsText(s, sub) { return !isNull(s) && !isNull(sub) && s.indexOf(sub) >= 0; }
  function startsWith(s, p) { return !isNull(s) && !isNull(p) && s.slice(0, p.length) === p; }
  function endsWith(s, p) { return !isNull(s) && !isNull(p) && s.length >= p.length && s.slice(s.length - p.length) === p; }

  // Patterns arrive in formc's canonical form (valid with the `u` flag and
  // meaning exactly what the C++ matcher does). RegExp is not eval: CSP allows it.
  var regexCache = new Map();
  function matches(s, pattern) {
    if (isNull(s)) return false;
    var re = regexCache.get(pattern);
    if (re === undefined) {
      re = new RegExp(pattern, "u");
      regexCache.set(pattern, re);
    }
    return re.test(s);
  }

  // ---- presence and lists -------------------------------------------------------
  var NON_SPACE = /[^\t\n\v\f\r ]/;
  function present(x) {
    if (isNull(x)) return false;
    if (Array.isArray(x)) return x.length > 0;
    if (typeof x === "string") return NON_SPACE.test(x);
    return true;
  }
  function blank(x) { return !present(x); }
  function count(l) { return l.length; }
  function inList(x, l) {
    if (isNull(x)) return false;
    for (var i = 0; i < l.length; i++) if (!isNull(l[i]) && cmp(x, l[i]) === 0) return true;
    return false;
  }
  function contains(l, x) { return inList(x, l); }
  function anyOf(l, wanted) {
    for (var i = 0; i < wanted.length; i++) if (inList(wanted[i], l)) return true;
    return false;
  }
  function allOf(l, wanted) {
    for (var i = 0; i < wanted.length; i++) if (!inList(wanted[i], l)) return false;
    return true;
  }
  function noneOf(l, wanted) { return !anyOf(l, wanted); }

  return Object.freeze({
    // field readers
    str: str, int: int, bool: bool, date: date, list: list, docs: docs,
    // comparison and logic
    isNull: isNull, eq: eq, ne: ne, lt: lt, le: le, gt: gt, ge: ge, t: t,
    // arithmetic
    iadd: iadd, isub: isub, imul: imul, imod: imod, ineg: ineg,
    dadd: dadd, dsub: dsub, dmul: dmul, ddiv: ddiv, dneg: dneg,
    tadd: tadd, tsub: tsub, tdiff: tdiff,
    // functions
    year: year, month: month, day: day, ymd: ymd, today: today, setToday: setToday,
    len: len, count: count, present: present, blank: blank, matches: matches,
    containsText: containsText, startsWith: startsWith, endsWith: endsWith,
    inList: inList, contains: contains, anyOf: anyOf, allOf: allOf, noneOf: noneOf,
    // helpers for tests and page glue
    parseDate: parseDate, formatDate: formatDate
  });
});
