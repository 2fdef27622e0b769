// Behaviour every page shares, kept out of the markup (the Content-Security-Policy allows no inline
// script): a <select data-submit-on-change> submits its form when changed.
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.submit();
});
