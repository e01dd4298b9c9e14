// The contact page's enhancements; every form works without them.
"use strict";

// A quick-add form sent by htmx answers 400 with the section and the reasons it was refused:
// show them in place, as the page without scripts does.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 400 && event.detail.requestConfig.verb === "post") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// After a section is replaced because of bad input, put the keyboard focus on the field to fix.
document.addEventListener("htmx:afterSettle", (event) => {
  const id = event.detail.target && event.detail.target.id;
  const section = id && document.getElementById(id);
  if (!section) return;
  const invalid = section.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (invalid) invalid.focus();
});
