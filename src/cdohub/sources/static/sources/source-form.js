// The source form shows only the fields the chosen kind of source uses.
(function () {
  var kind = document.getElementById("id_kind");
  function toggle() {
    document.querySelectorAll("#source-form [data-kinds]").forEach(function (input) {
      var wrap = input.closest(".mb-3") || input.parentElement;
      var kinds = (input.getAttribute("data-kinds") || "").split(" ");
      if (!input.getAttribute("data-kinds") || !kind.value) { wrap.hidden = false; return; }
      wrap.hidden = kinds.indexOf(kind.value) < 0;
    });
  }
  if (kind) { kind.addEventListener("change", toggle); toggle(); }
})();
