// Behaviour every page shares, kept out of the markup (the Content-Security-Policy allows no inline
// script): a <select data-submit-on-change> submits its form when changed.
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
});

// Final decisions are deliberate. A form, or one of its submit buttons, marked
//   data-confirm="Veto this project?"  data-confirm-body="What will happen."  data-confirm-ok="Veto"
// asks in a dialog before it is sent, saying what will happen and that it is final. Cancelling
// leaves the form as it was, with everything typed in it; confirming sends it as it was, with the
// button that was pressed. An htmx element with data-confirm asks the same way before its request.
(function () {
  function dialogParts() {
    const element = document.getElementById("confirm-dialog");
    if (!element || !window.bootstrap) return null;
    return {
      element: element,
      modal: window.bootstrap.Modal.getOrCreateInstance(element),
      title: element.querySelector("#confirm-title"),
      body: element.querySelector("#confirm-body"),
      final: element.querySelector("#confirm-final"),
      ok: element.querySelector("#confirm-ok"),
    };
  }

  // Shows the question of `source` (the element carrying data-confirm); runs `proceed` once on OK.
  function ask(source, proceed) {
    const parts = dialogParts();
    if (!parts) {
      if (window.confirm(source.dataset.confirm)) proceed();
      return;
    }
    parts.title.textContent = source.dataset.confirm;
    parts.body.textContent = source.dataset.confirmBody || "";
    parts.body.hidden = !source.dataset.confirmBody;
    parts.final.hidden = source.dataset.confirmFinal === "false";
    parts.ok.textContent = source.dataset.confirmOk || parts.ok.dataset.defaultLabel;
    let confirmed = false;
    const onOk = function () {
      confirmed = true;
      parts.ok.removeEventListener("click", onOk);
      parts.modal.hide();
      proceed(); // at once: the form is sent while the dialog fades
    };
    parts.ok.addEventListener("click", onOk);
    parts.element.addEventListener("shown.bs.modal", function () { parts.ok.focus(); }, { once: true });
    parts.element.addEventListener(
      "hidden.bs.modal",
      function () {
        parts.ok.removeEventListener("click", onOk);
        if (!confirmed && source.focus) source.focus();
      },
      { once: true },
    );
    parts.modal.show();
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    // Confirmed already, or sent by htmx (which asks through htmx:confirm below).
    if (form.dataset.confirmed === "yes" || event.defaultPrevented) return;
    const submitter = event.submitter;
    const source = submitter && submitter.hasAttribute("data-confirm") ? submitter
      : form.hasAttribute("data-confirm") ? form : null;
    if (!source) return;
    event.preventDefault();
    ask(source, function () {
      form.dataset.confirmed = "yes"; // the submit event it fires passes this handler once
      try {
        if (submitter) form.requestSubmit(submitter);
        else form.requestSubmit();
      } finally {
        delete form.dataset.confirmed;
      }
    });
  });

  document.addEventListener("htmx:confirm", function (event) {
    const source = event.detail.elt;
    if (!source || !source.hasAttribute("data-confirm")) return;
    event.preventDefault();
    ask(source, function () { event.detail.issueRequest(true); });
  });
})();
