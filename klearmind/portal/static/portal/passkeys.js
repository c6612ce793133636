// Passkeys for the patient portal: "Add a passkey" once signed in, "Sign in with a passkey" on
// the sign-in page. The server makes the options and checks the answers; this module only
// carries them to navigator.credentials and back. Without it, the e-mailed link still works.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
};

const toText = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

const csrfToken = () => document.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  return response.json();
}

function creationOptions(options) {
  return {
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: (options.excludeCredentials ?? []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
}

function requestOptions(options) {
  return {
    ...options,
    challenge: toBytes(options.challenge),
    allowCredentials: (options.allowCredentials ?? []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
}

function asJSON(credential) {
  const answer = credential.response;
  const response = { clientDataJSON: toText(answer.clientDataJSON) };
  if (answer.attestationObject) {
    response.attestationObject = toText(answer.attestationObject);
    response.transports = answer.getTransports ? answer.getTransports() : [];
  } else {
    response.authenticatorData = toText(answer.authenticatorData);
    response.signature = toText(answer.signature);
    if (answer.userHandle) response.userHandle = toText(answer.userHandle);
  }
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

async function ceremony(box) {
  const message = box.querySelector(".portal-passkey__message");
  message.textContent = "";
  try {
    const options = await post(box.dataset.options);
    const credential =
      box.dataset.passkey === "register"
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
    const result = await post(box.dataset.verify, asJSON(credential));
    if (result.redirect) {
      window.location.assign(result.redirect);
    } else {
      message.textContent = result.error;
    }
  } catch (error) {
    message.textContent =
      error && error.name === "NotAllowedError"
        ? "The passkey was not used. You can try again, or use the e-mailed link."
        : "Passkeys did not work on this device. Please use the e-mailed link.";
  }
}

// Only where the browser has passkeys and the page is on the address passkeys belong to.
if (window.PublicKeyCredential) {
  for (const box of document.querySelectorAll("[data-passkey]")) {
    if (box.dataset.origin !== window.location.origin) continue;
    box.hidden = false;
    box.querySelector("button").addEventListener("click", () => ceremony(box));
  }
}
