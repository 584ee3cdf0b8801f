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
)css";

}  // namespace formd
