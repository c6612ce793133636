// Small enhancements; every page works without them.

// Video facades: the external player is created only when the visitor asks for it.
for (const link of document.querySelectorAll("[data-video] a[data-player]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const frame = document.createElement("iframe");
    frame.src = link.dataset.player;
    frame.title = link.dataset.title;
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "video__frame";
    link.replaceWith(frame);
    frame.focus();
  });
}

// Forms send once: a second click while the first is on its way does nothing.
for (const form of document.querySelectorAll("form[method='post']")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    for (const button of form.querySelectorAll("[data-once]")) {
      button.setAttribute("aria-disabled", "true");
    }
  });
}

// Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
document.getElementById("form-errors")?.focus();
