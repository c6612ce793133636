// The drawn signature on the consent pages: a signature pad on a canvas, its PNG kept in the
// form's hidden field. Without JavaScript the pad stays hidden and the typed name signs.
import SignaturePad from "./vendor/signature_pad.js";

function fit(canvas, pad) {
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  const strokes = pad.toData();
  canvas.width = canvas.offsetWidth * ratio;
  canvas.height = canvas.offsetHeight * ratio;
  canvas.getContext("2d").scale(ratio, ratio);
  pad.clear();
  pad.fromData(strokes);
}

function attach(box) {
  const form = box.closest("form");
  const input = form.querySelector('input[name="drawn_signature"]');
  const canvas = box.querySelector("canvas");
  box.hidden = false;
  const pad = new SignaturePad(canvas, { penColor: "#111", backgroundColor: "rgba(0,0,0,0)" });
  fit(canvas, pad);
  if (input.value) pad.fromDataURL(input.value);
  window.addEventListener("resize", () => fit(canvas, pad));
  pad.addEventListener("endStroke", () => {
    input.value = pad.toDataURL("image/png");
  });
  box.querySelector("[data-clear]").addEventListener("click", () => {
    pad.clear();
    input.value = "";
  });
}

for (const box of document.querySelectorAll("[data-signature-pad]")) attach(box);

// One signature per press: the button waits for the answer (the server signs once anyway).
for (const form of document.querySelectorAll("[data-consent-form]")) {
  form.addEventListener("submit", () => {
    for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = true;
  });
}
