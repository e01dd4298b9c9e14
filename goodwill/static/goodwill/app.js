// Small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (source && navigator.clipboard) {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = "Copied";
  }
});

// Controls that only work with scripts (a lookup box, "select all") are hidden until now.
for (const element of document.querySelectorAll("[data-needs-js], [data-select-all]")) {
  element.hidden = false;
}

// "Select everyone on this page": ticks or clears every checkbox of that name in its form.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-select-all]");
  if (!all) return;
  for (const box of all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)) {
    box.checked = all.checked;
  }
});

// A lookup result (people/_lookup.html with pick=…) fills in the contact number it stands for.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-pick]");
  if (!button) return;
  const input = document.getElementById(button.dataset.pickInto);
  if (!input) return;
  input.value = button.dataset.pick;
  const chosen = document.getElementById(`${input.id}_chosen`);
  if (chosen) {
    chosen.textContent = `${chosen.dataset.chosenText} ${button.dataset.pickName} (#${button.dataset.pick}).`;
  }
  const list = button.closest(".lookup-picks");
  if (list) list.remove();
  input.focus();
});

// Enter in a lookup box picks nothing and must not submit the form around it.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("input[data-lookup]")) {
    event.preventDefault();
  }
});
