// Warns a signed-in person shortly before the idle limit signs them out, and lets them stay.
// The server keeps the clock: this script only asks how long is left and shows the warning.
(() => {
  const script = document.currentScript;
  if (!script || !document.getElementById("wagtail-sidebar")) return; // not signed in

  const { statusUrl, keepaliveUrl, loginUrl } = script.dataset;
  const warningSeconds = Number(script.dataset.warningSeconds) || 120;
  let dialog = null;
  let timer = null;
  let countdown = null;

  const csrfToken = () => {
    const config = document.getElementById("wagtail-config");
    return config ? JSON.parse(config.textContent).CSRF_TOKEN : "";
  };

  const signIn = () => {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`${loginUrl}?next=${next}`);
  };

  const ask = async (url, method = "GET") => {
    const headers = { Accept: "application/json" };
    if (method === "POST") headers["X-CSRFToken"] = csrfToken();
    const response = await fetch(url, { method, headers, credentials: "same-origin" });
    const json = response.headers.get("Content-Type")?.includes("application/json");
    if (!response.ok || response.redirected || !json) return { signed_in: false };
    return response.json();
  };

  const buildDialog = () => {
    dialog = document.createElement("div");
    dialog.className = "session-timeout";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-labelledby", "session-timeout-title");
    dialog.setAttribute("aria-describedby", "session-timeout-text");
    dialog.innerHTML = `
      <h2 id="session-timeout-title">You will be signed out soon</h2>
      <p id="session-timeout-text">To keep patients' information safe, you will be signed out in
        <strong data-seconds></strong> unless you carry on.</p>
      <button type="button" class="button">Stay signed in</button>`;
    dialog.querySelector("button").addEventListener("click", stay);
    document.body.append(dialog);
  };

  const show = (secondsLeft) => {
    if (!dialog) buildDialog();
    let left = secondsLeft;
    const label = dialog.querySelector("[data-seconds]");
    const paint = () => {
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      label.textContent = `${minutes}:${seconds}`;
    };
    paint();
    clearInterval(countdown);
    countdown = setInterval(() => {
      left -= 1;
      if (left <= 0) signIn();
      else paint();
    }, 1000);
    if (!dialog.classList.contains("is-open")) {
      dialog.classList.add("is-open");
      dialog.querySelector("button").focus();
    }
  };

  const hide = () => {
    clearInterval(countdown);
    if (dialog) dialog.classList.remove("is-open");
  };

  const schedule = (status) => {
    clearTimeout(timer);
    if (!status.signed_in) return signIn();
    if (status.seconds_left <= warningSeconds) show(status.seconds_left);
    else hide();
    // Ask again when the warning is due, and at least every minute (other tabs count too).
    const wait = Math.min(Math.max(status.seconds_left - warningSeconds, 5), 60);
    timer = setTimeout(check, wait * 1000);
  };

  async function check() {
    try {
      schedule(await ask(statusUrl));
    } catch {
      timer = setTimeout(check, 30_000); // the network hiccuped: try again shortly
    }
  }

  async function stay() {
    schedule(await ask(keepaliveUrl, "POST"));
  }

  check();
})();
