// Reference implementation of the template-slot convention of formc's HTML
// fragments (compiler/gen/html/slots.h): what the server (formd) does in C++.
// One linear pass, no HTML parsing, replacements never re-scanned.
"use strict";

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const TOKEN = /^[a-z_]+(:[A-Za-z0-9_.~%-]*)*$/;

// Calls replace(kind, args) for each {{kind:arg…}} and splices its result in.
function fill(template, replace) {
  let out = "";
  let i = 0;
  for (;;) {
    const start = template.indexOf("{{", i);
    if (start < 0) return out + template.slice(i);
    const end = template.indexOf("}}", start + 2);
    if (end < 0) throw new Error(`unterminated slot at offset ${start}`);
    const inside = template.slice(start + 2, end);
    if (!TOKEN.test(inside)) throw new Error(`malformed slot {{${inside}}}`);
    const [kind, ...raw] = inside.split(":");
    out += template.slice(i, start) + replace(kind, raw.map(decodeURIComponent));
    i = end + 2;
  }
}

// The list of slots in a template: [{kind, args}].
function slots(template) {
  const found = [];
  fill(template, (kind, args) => {
    found.push({ kind, args });
    return "";
  });
  return found;
}

const blank = (v) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);

// A request as the server sees it. values: field -> JSON value; errors:
// field -> [messages]; valid: Set of fields to show as valid; documents:
// field -> [file names]; hidden(kind, name) -> bool; disabled(field) -> bool
// (file inputs); labels: field -> label (error summary).
function server(request) {
  const values = request.values || {};
  const errors = request.errors || {};
  const valid = request.valid || new Set();
  const documents = request.documents || {};
  const hidden = request.hidden || (() => false);
  const disabled = request.disabled || (() => false);
  const labels = request.labels || {};
  return (kind, args) => {
    const [f, v] = args;
    const value = values[f];
    switch (kind) {
      case "value":
        return blank(value) ? "" : escapeHtml(value);
      case "checked":
        if (Array.isArray(value)) return value.includes(v) ? "checked" : "";
        if (typeof value === "boolean") return v === "1" && value ? "checked" : "";
        return !blank(value) && String(value) === v ? "checked" : "";
      case "selected":
        if (v === "") return blank(value) ? "selected" : "";
        return !blank(value) && String(value) === v ? "selected" : "";
      case "hidden":
        return hidden(args[0], args[1]) ? "hidden" : "";
      case "state":
        if (errors[f]) return ` ${v}--error`;
        return valid.has(f) ? ` ${v}--valid` : "";
      case "messages":
        if (errors[f]) return errors[f].map((m) => `<p class="fr-message fr-message--error">${escapeHtml(m)}</p>`).join("");
        return valid.has(f) ? '<p class="fr-message fr-message--valid">Champ valide</p>' : "";
      case "documents":
        if (!documents[f] || documents[f].length === 0) return "";
        return `<ul class="formc-documents__list">${documents[f].map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`;
      case "disabled":
        return disabled(f) ? "disabled" : "";
      case "display":
        if (blank(value)) return "Non renseigné";
        if (Array.isArray(value)) return `<ul>${value.map((x) => `<li>${escapeHtml(x)}</li>`).join("")}</ul>`;
        return escapeHtml(value);
      case "step_url":
        return `/demandes/42/etapes/${encodeURIComponent(f)}`;
      case "error_summary": {
        const fields = Object.keys(errors).filter((k) => request.onPage === undefined || request.onPage.has(k));
        if (fields.length === 0) return "";
        // The element with id == field name (snake_case) is the control or its fieldset.
        const items = fields.map((k) => `<li><a href="#${escapeHtml(k)}">${escapeHtml(labels[k] || k)}</a></li>`).join("");
        return `<div class="fr-alert fr-alert--error"><h3 class="fr-alert__title">Le formulaire contient des erreurs</h3><ul>${items}</ul></div>`;
      }
      case "values_json":
        return escapeHtml(JSON.stringify(values));
      default:
        throw new Error(`unknown slot kind '${kind}'`);
    }
  };
}

module.exports = { fill, slots, server, escapeHtml };
