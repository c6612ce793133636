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

// Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
document.getElementById("form-errors")?.focus();
