// The resource form's two helpers, kept out of the markup (the Content-Security-Policy allows no
// inline script). Without script the form still works: a plain list of classifications, and the
// formset's empty rows and delete boxes.
(function () {
  "use strict";

  // --- Information items: add and remove rows without a round trip ---------------------------
  // New rows are copies of the formset's empty form (<template id="item-row-template">) with the
  // next index; the server validates them as any other row. Removing a row ticks its DELETE box
  // (the server leaves it out) and hides it.
  function itemGrid() {
    const table = document.getElementById("items");
    const template = document.getElementById("item-row-template");
    const total = document.querySelector("input[name='items-TOTAL_FORMS']");
    const add = document.getElementById("add-item");
    if (!table || !template || !total || !add) return;
    const body = table.tBodies[0];

    function enhance(row) {
      const box = row.querySelector("input[type=checkbox][name$='-DELETE']");
      if (!box || row.querySelector(".remove-item")) return;
      box.hidden = true;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm text-danger p-0 remove-item";
      button.textContent = table.dataset.removeLabel;
      button.setAttribute("aria-label", table.dataset.removeLabel);
      button.addEventListener("click", function () {
        box.checked = true;
        // The server leaves a deleted row unchecked; so does the browser (a hidden invalid field
        // would otherwise stop the form from being sent).
        row.querySelectorAll("input, select").forEach(function (field) {
          ["required", "min", "max", "minlength", "maxlength", "pattern"].forEach(function (name) {
            field.removeAttribute(name);
          });
        });
        row.hidden = true;
        row.classList.add("removed");
        updateCount();
      });
      box.parentNode.appendChild(button);
    }

    function updateCount() {
      const count = document.getElementById("item-count");
      if (count) count.textContent = String(body.querySelectorAll("tr:not(.removed)").length);
    }

    add.hidden = false;
    Array.prototype.forEach.call(body.rows, enhance);
    add.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      const max = parseInt(document.querySelector("input[name='items-MAX_NUM_FORMS']").value, 10);
      if (index >= max) return;
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const row = body.rows[body.rows.length - 1];
      enhance(row);
      updateCount();
      const first = row.querySelector("input, select");
      if (first) first.focus();
    });
    updateCount();
  }

  // --- Classification: a searchable tree over the <select> -----------------------------------
  // Nodes come from the server a level at a time (?parent=code) and by search (?q=text), so the
  // tree stays quick however large the classification grows. Only nodes of 目 level or below (six
  // digits and more) can be chosen; choosing one sets the <select>, which the form submits.
  function classificationTree() {
    const select = document.getElementById("id_classification");
    if (!select || !select.dataset.treeUrl) return;
    const url = select.dataset.treeUrl;
    const labels = {
      search: select.dataset.searchLabel,
      chosen: select.dataset.chosenLabel,
      none: select.dataset.noneLabel,
      loading: select.dataset.loadingLabel,
    };
    const box = document.createElement("div");
    box.className = "classification-tree border rounded p-2";
    box.id = "classification-tree";
    const current = document.createElement("div");
    current.className = "small mb-1";
    current.id = "classification-chosen";
    const search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-2";
    search.placeholder = labels.search;
    search.setAttribute("aria-label", labels.search);
    search.id = "classification-search";
    const tree = document.createElement("ul");
    tree.className = "list-unstyled mb-0 tree-root";
    tree.setAttribute("role", "tree");
    box.append(current, search, tree);
    select.hidden = true;
    select.required = false; // the server says when it is missing; a hidden required field blocks sending
    select.insertAdjacentElement("afterend", box);

    function showChosen() {
      const option = select.options[select.selectedIndex];
      current.textContent = labels.chosen + " " + (option && option.value ? option.textContent : "—");
    }

    function fetchNodes(query) {
      return fetch(url + "?" + new URLSearchParams(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { return data.nodes; });
    }

    function choose(node, item) {
      select.value = String(node.id);
      select.dispatchEvent(new Event("change", { bubbles: true }));
      tree.querySelectorAll(".chosen").forEach(function (el) {
        el.classList.remove("chosen");
        el.setAttribute("aria-selected", "false");
      });
      item.classList.add("chosen");
      item.setAttribute("aria-selected", "true");
      showChosen();
    }

    function nodeItem(node) {
      const item = document.createElement("li");
      item.setAttribute("role", "treeitem");
      item.dataset.code = node.code;
      item.setAttribute("aria-selected", String(String(node.id) === select.value));
      const line = document.createElement("div");
      line.className = "d-flex align-items-center gap-1";
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "btn btn-sm btn-link p-0 tree-toggle";
      toggle.textContent = node.has_children ? "▸" : "·";
      toggle.disabled = !node.has_children;
      toggle.setAttribute("aria-expanded", "false");
      const label = document.createElement(node.assignable ? "button" : "span");
      label.className = node.assignable ? "btn btn-sm btn-link p-0 text-start tree-choose" : "text-muted small";
      if (node.assignable) label.type = "button";
      label.textContent = node.code + " " + node.name;
      if (node.path) {
        const path = document.createElement("span");
        path.className = "text-muted small ms-1";
        path.textContent = node.path;
        line.append(toggle, label, path);
      } else {
        line.append(toggle, label);
      }
      item.appendChild(line);
      if (String(node.id) === select.value) item.classList.add("chosen");
      if (node.assignable) label.addEventListener("click", function () { choose(node, item); });
      let children = null;
      toggle.addEventListener("click", function () {
        const open = toggle.getAttribute("aria-expanded") === "true";
        if (open) {
          children.hidden = true;
          toggle.setAttribute("aria-expanded", "false");
          toggle.textContent = "▸";
          return;
        }
        toggle.setAttribute("aria-expanded", "true");
        toggle.textContent = "▾";
        if (children) {
          children.hidden = false;
          return;
        }
        children = document.createElement("ul");
        children.className = "list-unstyled ms-3 mb-0";
        children.setAttribute("role", "group");
        children.textContent = labels.loading;
        item.appendChild(children);
        fetchNodes({ parent: node.code }).then(function (nodes) { fill(children, nodes); });
      });
      return item;
    }

    function fill(list, nodes) {
      list.textContent = "";
      if (!nodes.length) {
        const empty = document.createElement("li");
        empty.className = "text-muted small";
        empty.textContent = labels.none;
        list.appendChild(empty);
      }
      nodes.forEach(function (node) { list.appendChild(nodeItem(node)); });
    }

    let timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const text = search.value.trim();
        fetchNodes(text ? { q: text } : {}).then(function (nodes) { fill(tree, nodes); });
      }, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // searching the tree, not sending the form
    });
    showChosen();
    fetchNodes({}).then(function (nodes) { fill(tree, nodes); });
  }

  itemGrid();
  classificationTree();
})();
