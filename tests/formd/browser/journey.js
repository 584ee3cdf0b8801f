// Assertions on formd's pages, for the browser test: a field shown in error,
// a block of the summary, a callout of the eligibility questionnaire.
"use strict";

const assert = require("node:assert/strict");

// What a field in error looks like, read from the page: the class of its
// group (the parent of its `<field>-messages` div), the messages, the links
// of the error summary, and the ARIA link between the control and messages.
async function fieldState(page, field) {
  return page.evaluate((field) => {
    const messages = document.getElementById(field + "-messages");
    if (!messages) return { missing: true };
    const group = messages.parentElement;
    const control = document.getElementById(field);
    const describedBy = control ? (control.getAttribute("aria-describedby") || "") : "";
    const labelledBy = control ? (control.getAttribute("aria-labelledby") || "") : "";
    const summaryLinks = [...document.querySelectorAll(".fr-alert--error a")].map((a) => a.getAttribute("href"));
    const alert = document.querySelector(".fr-alert--error");
    return {
      missing: false,
      groupClass: group.className,
      errorMessages: [...messages.querySelectorAll(".fr-message--error")].map((p) => p.textContent.trim()),
      messagesText: messages.textContent.trim(),
      linked: (describedBy + " " + labelledBy).split(/\s+/).includes(field + "-messages"),
      summaryLinks,
      summaryVisible: !!alert && alert.getClientRects().length > 0,
      summaryText: alert ? alert.textContent.replace(/\s+/g, " ").trim() : "",
      controlExists: !!control,
    };
  }, field);
}

// The field is in error: its group has the DSFR --error class, its messages
// div holds `message` (a RegExp), the summary at the top links to #field.
async function expectFieldError(page, field, message) {
  const s = await fieldState(page, field);
  assert.ok(!s.missing, `${field}: no #${field}-messages div on the page`);
  assert.ok(s.controlExists, `${field}: no element #${field} (the error summary links to it)`);
  assert.match(s.groupClass, /\bfr-[a-z]+(-group)?--error\b|\bfr-fieldset--error\b/,
    `${field}: its group should carry a --error class, has "${s.groupClass}"`);
  assert.ok(s.errorMessages.length > 0, `${field}: no .fr-message--error in #${field}-messages ("${s.messagesText}")`);
  assert.ok(s.errorMessages.some((m) => message.test(m)),
    `${field}: message ${message} expected in #${field}-messages, found ${JSON.stringify(s.errorMessages)}`);
  assert.ok(s.linked, `${field}: #${field} is not linked to #${field}-messages (aria-describedby / aria-labelledby)`);
  assert.ok(s.summaryVisible, `${field}: the error summary (.fr-alert--error) is not visible`);
  assert.ok(s.summaryLinks.includes("#" + field),
    `${field}: the error summary should link to #${field}; links: ${JSON.stringify(s.summaryLinks)}`);
  return s;
}

// The field is not in error any more (after a fix, on a re-rendered page).
async function expectNoFieldError(page, field) {
  const s = await fieldState(page, field);
  if (s.missing) return;
  assert.doesNotMatch(s.groupClass, /--error\b/, `${field}: still in error: ${JSON.stringify(s.errorMessages)}`);
}

// The ids of the eligibility callouts that are visible.
async function visibleCallouts(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#formc-eligibility-results > [id]")]
      .filter((el) => !el.closest("[hidden]") && el.getClientRects().length > 0)
      .map((el) => el.id));
}

// Which callouts and questions carry `hidden` in raw server HTML (no JS).
function hiddenInHtml(html, id) {
  const m = html.match(new RegExp(`<[a-z]+[^>]*\\bid="${id}"[^>]*>`));
  assert.ok(m, `server HTML has no element #${id}`);
  return /\shidden(\s|>|=)/.test(m[0]);
}

module.exports = { fieldState, expectFieldError, expectNoFieldError, visibleCallouts, hiddenInHtml };
