// formd's own stylesheet (served at /static/formd/formd.css): the few rules
// DSFR does not have for formc's fragments. No inline style anywhere (CSP).
#pragma once

#include <string_view>

namespace formd {

inline constexpr std::string_view kFormdCss = R"css(/* formd: complements to DSFR for formc's fragments */
[hidden] { display: none !important; }
.formc-readonly { border: 0; margin: 0; padding: 0; min-width: 0; }
.formc-blank { color: var(--text-mention-grey); font-style: italic; }
.formc-summary__block { margin-bottom: 2rem; padding: 1.5rem; border: 1px solid var(--border-default-grey); }
.formc-summary__list { margin: 0 0 1rem; }
.formc-summary__row { display: grid; grid-template-columns: minmax(12rem, 1fr) 2fr; gap: 1rem; padding: .5rem 0;
  border-bottom: 1px solid var(--border-default-grey); }
.formc-summary__row dt { font-weight: 700; }
.formc-summary__row dd { margin: 0; overflow-wrap: anywhere; }
.formc-error-summary:empty { display: none; }
/* The error summary (in .formc-error-summary on a step, right in the form on the summary page) keeps its distance
   from what follows it. */
.formc-error-summary > .fr-alert, .formc-form > .fr-alert--error { margin-bottom: 1.5rem; }
/* DSFR lays checkbox labels out as flex rows (the hint wraps under the text), which makes each run of text its own
   flex item and drops the spaces around an inline link: "des <a>CGU</a> et" showed "desCGUet". A label with an
   inline element flows as text; its box (label::before, absolutely placed) and its hint (a block) are unchanged. */
.fr-checkbox-group input[type=checkbox] ~ label:has(> a, > strong, > em, > b, > i, > code, > abbr) { display: block; }
.formd-cards { list-style: none; padding: 0; }
.formd-preview-page { border-top: 2px solid var(--border-default-blue-france); margin-top: 2.5rem; padding-top: 1.5rem; }
/* Reasons (refusal, requested changes, messages) keep the line breaks their author typed. */
.formd-reason { white-space: pre-line; }
/* Introductions are shown as DataPass's configuration writes them (formc keeps div, span, headings, quotes and rules
   with their classes: schema/README.md "HTML in texts"): DSFR's vertical rhythm inside, and providers' step lists. */
.formc-introduction { margin-bottom: 1.5rem; }
.formc-introduction :is(h1, h2, h3, h4, h5, h6) { margin: 1.5rem 0 .75rem; }
.formc-introduction :is(h1, h2) { font-size: 1.5rem; line-height: 2rem; }
.formc-introduction h3 { font-size: 1.25rem; line-height: 1.75rem; }
.formc-introduction :is(h4, h5, h6) { font-size: 1.125rem; line-height: 1.5rem; }
.formc-introduction > :first-child { margin-top: 0; }
.formc-introduction :is(div, blockquote) > :last-child { margin-bottom: 0; }
.formc-introduction div + div { margin-top: 1rem; }
.formc-introduction blockquote { margin: 1rem 0; padding: .5rem 0 .5rem 1.25rem;
  border-left: 4px solid var(--border-default-blue-france); }
.formc-introduction hr { border: 0; border-top: 1px solid var(--border-default-grey); margin: 1.5rem 0; padding: 0; }
.formc-intro-steps { counter-reset: formc-intro-step; margin: 1.5rem 0; }
.formc-intro-step { display: grid; grid-template-columns: 2.5rem 1fr; gap: .25rem 1rem; align-items: start;
  padding: 1rem; border: 1px solid var(--border-default-grey); background: var(--background-default-grey); }
.formc-intro-step > :not(.formc-intro-step__number) { grid-column: 2; }
.formc-intro-step__number { grid-row: 1 / span 9; display: inline-flex; align-items: center; justify-content: center;
  width: 2.5rem; height: 2.5rem; border-radius: 50%; font-weight: 700;
  background: var(--background-action-high-blue-france); color: var(--text-inverted-blue-france); }
)css";

}  // namespace formd
