// The template-slot convention: how the server fills formc's HTML fragments.
//
// The fragments under html/ are templates. The server (formd) fills them with
// one linear pass over the text, without parsing HTML:
//
//   scan for "{{"; read up to the next "}}"; split the inside on ':' into
//   KIND and ARGS; percent-decode each ARG (UTF-8, %XX); write the
//   replacement below; continue after "}}". Never re-scan a replacement.
//
// "{{" never occurs anywhere else: formc writes every '{' and '}' of
// definition text as &#123; / &#125; (comments use parentheses). ARGS are
// percent-encoded: only [A-Za-z0-9_.~-] appear literally, so a token is valid
// inside an attribute value, as an attribute, or as text, and an unfilled
// template is itself valid HTML (tests/html validates raw, blank and filled).
//
//   token                     where                      replacement
//   {{value:F}}               value="…", <textarea>      F's current value, HTML-escaped (& < > " ')
//   {{checked:F:V}}           attribute of a checkbox    "checked" if F == V (list F: contains V;
//                             or radio                   boolean F: V is "1" and F is true), else ""
//   {{selected:F:V}}          attribute of an <option>   "selected" if F == V; V empty (the placeholder
//                                                        option): "selected" if F is blank; else ""
//   {{hidden:K:N}}            attribute                  "hidden" when the element must be hidden, else "":
//                               K=field     N=field name      visible_if of N is false
//                               K=scope     N=scope value     deprecated (since <= request creation) or
//                                                             feature flag off (data-formc-* say which)
//                               K=question  N=question id     eligibility follow-up question not asked
//                               K=option    N=type            eligibility option callout not the result
//                               K=outcome   N=index (0-based) eligibility outcome callout not the result
//                               K=edit      N=block name      summary edit link, when the request can no
//                                                             longer be edited (submitted)
//   {{state:F:C}}             in class="C…", after C     " C--error" if F has an error, " C--valid" to
//                                                        show success, else "". C is one of
//                                                        fr-input-group, fr-select-group, fr-upload-group,
//                                                        fr-checkbox-group, fr-fieldset
//   {{messages:F}}            inside div.fr-messages-group  zero or more
//                                                        <p class="fr-message fr-message--error">msg</p>
//                                                        (msg HTML-escaped; --valid for success)
//   {{documents:F}}           after a file input         the files already attached to F (escaped names,
//                                                        e.g. <ul class="formc-documents">…</ul>) or ""
//   {{disabled:F}}            attribute of a file input  "disabled" when no file can be sent for F on
//                                                        this page (a preview, which stores nothing),
//                                                        else ""
//   {{display:F}}             summary <dd>               F's value for reading: escaped text; option and
//                                                        scope labels; lists as <ul>; "Non renseigné"
//   {{step_url:B}}            href of summary edit links URL of the step that edits block B
//   {{error_summary}}         top of each step           a div.fr-alert.fr-alert--error linking (#id) to
//                                                        each field in error, or ""
//   {{values_json}}           data-formc-values="…"      the request's values as JSON, HTML-escaped
//                                                        ("{}" when none); read by formc-forms.js so
//                                                        conditions may depend on fields of other steps
//
// F is always a field name as DataPass stores it (flat attribute name). The
// server needs no id except for error-summary links: the control of F, or the
// fieldset of a group, has id field_id(F) (ids.h), which is F itself for
// snake_case names, so link to "#F". Multi-valued controls post as "F[]"
// (scopes, multiselect, documents with max_count > 1); single checkboxes post
// "1" when checked. Disabled controls post nothing: included scopes (checked
// and disabled) must be added by the server, as DataPass does at creation.
// Tests: tests/html/fill.js is the reference implementation of this table.
#pragma once

#include <string>
#include <string_view>

#include "gen/html/element.h"

namespace formc::gen::html {

Slot make_slot(std::string token);

namespace slot {

// Percent-encodes one argument (everything but [A-Za-z0-9_.~-]).
[[nodiscard]] std::string encode_arg(std::string_view arg);

[[nodiscard]] Slot value(std::string_view field);
[[nodiscard]] Slot checked(std::string_view field, std::string_view option_value);
[[nodiscard]] Slot selected(std::string_view field, std::string_view option_value);
[[nodiscard]] Slot hidden(std::string_view kind, std::string_view name);
[[nodiscard]] Slot state(std::string_view field, std::string_view base_class);
[[nodiscard]] Slot messages(std::string_view field);
[[nodiscard]] Slot documents(std::string_view field);
[[nodiscard]] Slot disabled(std::string_view field);
[[nodiscard]] Slot display(std::string_view field);
[[nodiscard]] Slot step_url(std::string_view block);
[[nodiscard]] Slot error_summary();
[[nodiscard]] Slot values_json();

}  // namespace slot
}  // namespace formc::gen::html
