// The card form of a payment step: Stripe's card element takes the card and Stripe.js confirms
// it as a SetupIntent, so the number never reaches our server; the form is then posted with
// the intent's id only, and the server takes the deposit from the saved card.
(function () {
  "use strict";
  var form = document.querySelector("[data-card-form]");
  if (!form || typeof window.Stripe !== "function") {
    return;
  }
  var stripe = window.Stripe(form.dataset.key);
  var card = stripe.elements().create("card", { hidePostalCode: false });
  card.mount(form.querySelector("[data-card-element]"));
  var message = form.querySelector("[data-card-message]");
  var button = form.querySelector("[data-card-submit]");
  var name = form.querySelector("#card-name");
  var busy = false;

  function say(text) {
    message.textContent = text;
    if (text) {
      message.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) {
      return; // a double click sends the card once
    }
    busy = true;
    button.disabled = true;
    message.textContent = form.dataset.checking;
    stripe
      .confirmCardSetup(form.dataset.secret, {
        payment_method: { card: card, billing_details: { name: name.value } },
      })
      .then(function (result) {
        if (result.error) {
          busy = false;
          button.disabled = false;
          say(result.error.message || form.dataset.failed);
          return;
        }
        form.submit();
      })
      .catch(function () {
        busy = false;
        button.disabled = false;
        say(form.dataset.failed);
      });
  });
})();
