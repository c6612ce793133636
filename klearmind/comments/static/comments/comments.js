// Reply links move the comment form under the comment being answered; without this
// module they load the page with ?replytocom=, which does the same on the server.
const respond = document.getElementById("respond");
const form = respond?.querySelector("form");
const parentField = form?.querySelector("input[name=parent]");
const title = document.getElementById("reply-title");
const home = respond ? document.createComment("comment form") : null;

function cancelLink() {
  const link = document.createElement("a");
  link.href = "#respond";
  link.textContent = "Cancel reply";
  link.className = "comment-respond__cancel";
  link.dataset.cancelReply = "";
  const wrapper = document.createElement("p");
  wrapper.append(link);
  return wrapper;
}

function resetReply() {
  parentField.value = "";
  title.textContent = "Leave a comment";
  respond.querySelector("[data-cancel-reply]")?.closest("p")?.remove();
  home.replaceWith(respond);
  respond.before(home);
}

if (respond && form && parentField && title) {
  respond.before(home);
  document.addEventListener("click", (event) => {
    const reply = event.target.closest("a[data-reply-to]");
    const cancel = event.target.closest("[data-cancel-reply]");
    if (reply) {
      event.preventDefault();
      parentField.value = reply.dataset.replyTo;
      title.textContent = `Reply to ${reply.dataset.replyName}`;
      if (!respond.querySelector("[data-cancel-reply]")) title.after(cancelLink());
      reply.closest(".comment__body").after(respond);
      form.querySelector("textarea").focus();
    } else if (cancel) {
      event.preventDefault();
      resetReply();
      form.querySelector("textarea").focus();
    }
  });
}

// Pages come from a cache, so the form arrives without a CSRF token: ask for one (the answer
// also sets the CSRF cookie) when the writer starts on the form, and wait for it before
// sending. Without this module the server offers the form again with a token in it.
const tokenUrl = form?.dataset.tokenUrl;
let tokenRequest = null;

function setToken(value) {
  let field = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = "csrfmiddlewaretoken";
    form.append(field);
  }
  field.value = value;
}

function fetchToken() {
  tokenRequest ??= fetch(tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => data?.csrfToken && setToken(data.csrfToken))
    .catch(() => null);
  return tokenRequest;
}

if (form && tokenUrl) {
  form.addEventListener("focusin", fetchToken, { once: true });
  form.addEventListener("submit", (event) => {
    if (form.querySelector("input[name=csrfmiddlewaretoken]")) return;
    event.preventDefault();
    fetchToken().then(() => form.submit());
  });
}
