/*
 * formc-forms.js — page glue for the HTML fragments that formc generates.
 * formc writes this file to static/formc-forms.js in its output directory
 * (source: compiler/gen/html/static/formc-forms.js, embedded in formc).
 *
 * Contract:
 * - A plain static file: no eval, no Function constructor, no inline script,
 *   nothing fetched. It works under `Content-Security-Policy: script-src 'self'`.
 *   It needs formc-expr.js (global FormcExpr) loaded before it; the generated
 *   html/forms/<uid>/conditions.js and html/definitions/<id>/eligibility.js,
 *   loaded after it, call FormcForms.registerForm(uid, spec) and
 *   FormcForms.registerEligibility(definitionId, spec).
 * - Forms: inside every element [data-formc-form=UID], an element
 *   [data-formc-visible-if=F] gets the `hidden` attribute while
 *   spec.visible[F](d, FormcExpr) is not true, and the controls inside
 *   [data-formc-required-if=F] are `required` exactly while they are visible
 *   and spec.required[F](d, FormcExpr) is true (a hidden field never blocks a
 *   submission). `d` is the JSON of the container's data-formc-values (the
 *   server's copy of the request, so conditions may read other steps),
 *   overlaid with the current value of each control of the enclosing <form>
 *   whose name (less a "[]" suffix) is in spec.fields.
 * - Eligibility: inside [data-formc-eligibility=ID], a follow-up question
 *   [data-formc-eligibility-question=Q] is shown while spec.questions[Q] holds
 *   (the answer to a hidden question counts as null); once a type is chosen,
 *   the first outcome whose condition holds is shown, else the callout of the
 *   chosen type; nothing is shown before a type is chosen.
 * - Without JavaScript the page is still right: the server renders the same
 *   decisions through the {{hidden:…}} slots. This file only keeps them live.
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module !== null && typeof module.exports === "object") {
    module.exports = api;
  } else {
    root.FormcForms = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (root) {
  "use strict";

  var hasOwn = Object.prototype.hasOwnProperty;
  var forms = {};
  var eligibilities = {};
  var INTEGER = /^\s*-?[0-9]+\s*$/;
  var NUMBER = /^\s*-?[0-9]+([.,][0-9]+)?\s*$/;

  function expr() { return root.FormcExpr; }

  // ---- pure part (exercised by tests/html under node) ----------------------

  function baseName(name) { return name.slice(-2) === "[]" ? name.slice(0, -2) : name; }

  function convert(value, kind) {
    if (kind === "integer") return INTEGER.test(value) ? parseInt(value, 10) : null;
    if (kind === "number") return NUMBER.test(value) ? parseFloat(value.replace(",", ".")) : null;
    if (kind === "boolean") return value === "1" || value === "true" || value === "on";
    return value;
  }

  // The values the conditions read. `controls`: array-like of objects with
  // name, type, value, checked, files (DOM controls or plain objects);
  // `fields`: field name -> "string" | "integer" | "number" | "boolean" |
  // "list" | "document"; `base`: the server's values.
  function collectValues(controls, fields, base) {
    var d = {};
    var k;
    if (base !== null && typeof base === "object") {
      for (k in base) if (hasOwn.call(base, k)) d[k] = base[k];
    }
    var seen = {};
    for (var i = 0; i < controls.length; i++) {
      var c = controls[i];
      if (!c || !c.name) continue;
      var name = baseName(c.name);
      if (!hasOwn.call(fields, name)) continue;
      var kind = fields[name];
      var type = String(c.type || "").toLowerCase();
      if (type === "file") {
        // Newly chosen files; otherwise the server's list stands.
        if (c.files && c.files.length > 0) {
          var docs = [];
          for (var j = 0; j < c.files.length; j++) docs.push({ filename: c.files[j].name });
          d[name] = docs;
        }
        continue;
      }
      var first = !hasOwn.call(seen, name);
      seen[name] = true;
      if (type === "checkbox" && kind === "list") {
        if (first) d[name] = [];
        if (c.checked) d[name].push(c.value);
      } else if (type === "checkbox") {
        d[name] = !!c.checked;
      } else if (type === "radio") {
        if (first) d[name] = null;
        if (c.checked) d[name] = convert(c.value, kind);
      } else {
        d[name] = convert(String(c.value), kind);
      }
    }
    return d;
  }

  // {visible: {F: bool}, required: {F: bool}} for every condition of spec.
  function evaluateForm(spec, d) {
    var out = { visible: {}, required: {} };
    var k;
    for (k in spec.visible) if (hasOwn.call(spec.visible, k)) out.visible[k] = spec.visible[k](d, expr()) === true;
    for (k in spec.required) if (hasOwn.call(spec.required, k)) out.required[k] = spec.required[k](d, expr()) === true;
    return out;
  }

  // answers: {type: …, <question id>: …} (null when unanswered);
  // questionIds: in page order. Returns {visible: {Q: bool}, result} where
  // result is null, {outcome: index} or {option: type}.
  function decideEligibility(spec, answers, questionIds) {
    var e = {};
    var k;
    for (k in answers) if (hasOwn.call(answers, k)) e[k] = answers[k];
    var visible = {};
    for (var i = 0; i < questionIds.length; i++) {
      var q = questionIds[i];
      var fn = spec.questions[q];
      visible[q] = !fn || fn(e, expr()) === true;
      if (!visible[q]) e[q] = null;
    }
    var result = null;
    if (e.type !== null && e.type !== undefined) {
      for (var o = 0; o < spec.outcomes.length; o++) {
        if (spec.outcomes[o](e, expr()) === true) {
          result = { outcome: o };
          break;
        }
      }
      if (result === null) result = { option: e.type };
    }
    return { visible: visible, result: result };
  }

  // ---- DOM part -------------------------------------------------------------

  function parseBase(container) {
    var raw = container.getAttribute("data-formc-values");
    if (!raw) return {};
    try {
      var v = JSON.parse(raw);
      return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
    } catch (err) {
      return {};  // an unfilled slot or anything else: no server values
    }
  }

  function hiddenWithin(el, container) {
    for (var n = el; n && n !== container.parentNode; n = n.parentNode) if (n.hidden) return true;
    return false;
  }

  function applyForm(container) {
    var spec = forms[container.getAttribute("data-formc-form")];
    if (!spec) return;
    var scope = (container.closest && container.closest("form")) || container;
    var d = collectValues(scope.querySelectorAll("input[name], select[name], textarea[name]"), spec.fields, parseBase(container));
    var state = evaluateForm(spec, d);
    var i, key;
    var conditional = container.querySelectorAll("[data-formc-visible-if]");
    for (i = 0; i < conditional.length; i++) {
      key = conditional[i].getAttribute("data-formc-visible-if");
      if (hasOwn.call(state.visible, key)) conditional[i].hidden = !state.visible[key];
    }
    var required = container.querySelectorAll("[data-formc-required-if]");
    for (i = 0; i < required.length; i++) {
      key = required[i].getAttribute("data-formc-required-if");
      var on = state.required[key] === true && !hiddenWithin(required[i], container);
      var controls = required[i].querySelectorAll("input, select, textarea");
      for (var j = 0; j < controls.length; j++) {
        var c = controls[j];
        // Files may already be attached; checkbox groups have no `required`.
        if (c.type === "file" || c.type === "hidden" || (c.type === "checkbox" && /\[\]$/.test(c.name))) continue;
        c.required = on;
      }
    }
  }

  function applyEligibility(container) {
    var spec = eligibilities[container.getAttribute("data-formc-eligibility")];
    if (!spec) return;
    var answers = {};
    var radios = container.querySelectorAll("input[type=radio]");
    var i;
    for (i = 0; i < radios.length; i++) {
      if (!hasOwn.call(answers, radios[i].name)) answers[radios[i].name] = null;
      if (radios[i].checked) answers[radios[i].name] = radios[i].value;
    }
    var questions = container.querySelectorAll("[data-formc-eligibility-question]");
    var ids = [];
    for (i = 0; i < questions.length; i++) ids.push(questions[i].getAttribute("data-formc-eligibility-question"));
    var decision = decideEligibility(spec, answers, ids);
    for (i = 0; i < questions.length; i++) questions[i].hidden = !decision.visible[ids[i]];
    var r = decision.result;
    var options = container.querySelectorAll("[data-formc-eligibility-option]");
    for (i = 0; i < options.length; i++) {
      options[i].hidden = !(r && hasOwn.call(r, "option") && r.option === options[i].getAttribute("data-formc-eligibility-option"));
    }
    var outcomes = container.querySelectorAll("[data-formc-eligibility-outcome]");
    for (i = 0; i < outcomes.length; i++) {
      outcomes[i].hidden = !(r && hasOwn.call(r, "outcome") && String(r.outcome) === outcomes[i].getAttribute("data-formc-eligibility-outcome"));
    }
  }

  var ready = false;

  function applyAll() {
    if (!ready || typeof document === "undefined" || !expr()) return;
    var i;
    var containers = document.querySelectorAll("[data-formc-form]");
    for (i = 0; i < containers.length; i++) applyForm(containers[i]);
    var questionnaires = document.querySelectorAll("[data-formc-eligibility]");
    for (i = 0; i < questionnaires.length; i++) applyEligibility(questionnaires[i]);
  }

  if (typeof document !== "undefined") {
    document.addEventListener("input", applyAll);
    document.addEventListener("change", applyAll);
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        ready = true;
        applyAll();
      });
    } else {
      ready = true;
    }
  }

  function registerForm(uid, spec) {
    forms[uid] = spec;
    applyAll();
  }

  function registerEligibility(definitionId, spec) {
    eligibilities[definitionId] = spec;
    applyAll();
  }

  return Object.freeze({
    registerForm: registerForm,
    registerEligibility: registerEligibility,
    // for tests and page code
    collectValues: collectValues,
    evaluateForm: evaluateForm,
    decideEligibility: decideEligibility,
    refresh: applyAll
  });
});
