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
.formd-cards { list-style: none; padding: 0; }
.formd-preview-page { border-top: 2px solid var(--border-default-blue-france); margin-top: 2.5rem; padding-top: 1.5rem; }
)css";

}  // namespace formd
