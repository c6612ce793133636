// Small enhancements to the questionnaire; every step works as a plain form without them.

// PHQ-9 item 9: show the crisis resources the moment an answer above "not at all" is chosen.
const panel = document.getElementById("crisis-panel");
const item9 = document.querySelectorAll('input[name="phq9_9"]');
for (const radio of item9) {
  radio.addEventListener("change", () => {
    const positive = [...item9].some((choice) => choice.checked && Number(choice.value) > 0);
    if (panel) panel.hidden = !positive;
  });
}

// A second click on "Send" while the first is on its way sends nothing more (the server also
// stores only one questionnaire per draft).
for (const form of document.querySelectorAll("[data-intake-form]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
  });
}
