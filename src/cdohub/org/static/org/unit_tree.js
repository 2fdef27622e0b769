// The unit tree (org/unit_tree.html): children are fetched when a unit opens, a page at a time,
// and a search answers the matching units with the path down to each, so the tree opens to them.
// Keyboard: the WAI-ARIA tree pattern (arrows, Home, End, Enter, Space; one tab stop).
(function () {
  "use strict";
  var tree = document.getElementById("unit-tree");
  if (!tree) return;
  var text = tree.dataset;
  var results = document.getElementById("unit-tree-results");
  var status = document.getElementById("unit-tree-status");
  var input = document.getElementById("unit-tree-q");
  var items = new Map(); // unit id -> its <li role="treeitem">

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function say(message) {
    status.textContent = message;
  }

  // Items -------------------------------------------------------------------------------------

  function makeItem(unit, level) {
    var li = el("li");
    li.setAttribute("role", "treeitem");
    li.setAttribute("aria-level", String(level));
    li.tabIndex = -1;
    li.dataset.id = unit.id;
    li.dataset.url = unit.url;
    var row = el("div", "node");
    if (unit.children > 0) {
      li.setAttribute("aria-expanded", "false");
      var toggle = el("button", "toggle");
      toggle.type = "button";
      toggle.tabIndex = -1;
      toggle.setAttribute("aria-hidden", "true");
      row.appendChild(toggle);
    } else {
      row.appendChild(el("span", "leaf"));
    }
    var link = el("a", "name", unit.name);
    link.href = unit.url;
    link.tabIndex = -1;
    row.appendChild(link);
    var meta = unit.kind + (unit.children > 0 ? " · " + text.textBelow.replace("%(n)s", unit.children) : "");
    if (!unit.active) meta += " · " + text.textInactive;
    row.appendChild(el("span", "meta", meta));
    li.appendChild(row);
    li.setAttribute("aria-label", unit.name);
    items.set(String(unit.id), li);
    return li;
  }

  function group(li) {
    var ul = li.querySelector(":scope > ul");
    if (!ul) {
      ul = el("ul");
      ul.setAttribute("role", "group");
      ul.hidden = true;
      li.appendChild(ul);
    }
    return ul;
  }

  function levelOf(li) {
    return li === tree ? 0 : Number(li.getAttribute("aria-level"));
  }

  function moreItem(owner, next, left) {
    var li = el("li", "more");
    li.setAttribute("role", "treeitem");
    li.setAttribute("aria-level", String(levelOf(owner) + 1));
    li.tabIndex = -1;
    var button = el("button", "btn btn-link btn-sm p-0", text.textMore + " (" + left + ")");
    button.type = "button";
    button.tabIndex = -1;
    li.appendChild(button);
    li.dataset.next = next;
    return li;
  }

  // Loading children, a page at a time -------------------------------------------------------

  function load(owner, offset) {
    var list = owner === tree ? tree : group(owner);
    var url = text.childrenUrl + "?offset=" + offset + (owner === tree ? "" : "&parent=" + owner.dataset.id);
    owner.setAttribute("aria-busy", "true");
    return getJSON(url)
      .then(function (page) {
        if (offset === 0) list.textContent = "";
        page.nodes.forEach(function (unit) {
          list.appendChild(makeItem(unit, levelOf(owner) + 1));
        });
        if (page.next !== null) list.appendChild(moreItem(owner, page.next, page.total - page.next));
        if (page.total === 0) list.appendChild(el("li", "text-muted small", text.textEmpty));
        owner.dataset.loaded = "true";
        return page;
      })
      .catch(function () {
        list.appendChild(el("li", "text-danger small", text.textFailed));
      })
      .finally(function () {
        owner.removeAttribute("aria-busy");
      });
  }

  function loadMore(moreLi) {
    var owner = moreLi.parentElement === tree ? tree : moreLi.parentElement.parentElement;
    var next = Number(moreLi.dataset.next);
    var previous = moreLi.previousElementSibling;
    moreLi.remove();
    return load(owner, next).then(function () {
      var first = previous ? previous.nextElementSibling : null;
      if (first) focusItem(first);
    });
  }

  function expand(li) {
    if (!li.hasAttribute("aria-expanded")) return Promise.resolve();
    var ready = li.dataset.loaded ? Promise.resolve() : load(li, 0);
    return ready.then(function () {
      li.setAttribute("aria-expanded", "true");
      group(li).hidden = false;
    });
  }

  function collapse(li) {
    if (li.getAttribute("aria-expanded") !== "true") return;
    li.setAttribute("aria-expanded", "false");
    group(li).hidden = true;
  }

  // Focus and keyboard ------------------------------------------------------------------------

  function visible() {
    return Array.prototype.filter.call(tree.querySelectorAll('[role="treeitem"]'), function (li) {
      return !li.parentElement.closest("ul[hidden]") && !li.parentElement.hidden;
    });
  }

  function focusItem(li) {
    tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach(function (other) {
      other.tabIndex = -1;
    });
    li.tabIndex = 0;
    li.focus();
    li.scrollIntoView({ block: "nearest" });
  }

  function parentItem(li) {
    var ul = li.parentElement;
    return ul === tree ? null : ul.parentElement;
  }

  function activate(li) {
    if (li.classList.contains("more")) return loadMore(li);
    window.location.href = li.dataset.url;
  }

  tree.addEventListener("keydown", function (event) {
    var li = event.target.closest('[role="treeitem"]');
    if (!li) return;
    var shown = visible();
    var at = shown.indexOf(li);
    var handled = true;
    switch (event.key) {
      case "ArrowDown":
        if (at < shown.length - 1) focusItem(shown[at + 1]);
        break;
      case "ArrowUp":
        if (at > 0) focusItem(shown[at - 1]);
        break;
      case "Home":
        focusItem(shown[0]);
        break;
      case "End":
        focusItem(shown[shown.length - 1]);
        break;
      case "ArrowRight":
        if (li.getAttribute("aria-expanded") === "false") expand(li);
        else if (li.getAttribute("aria-expanded") === "true") {
          var child = group(li).querySelector('[role="treeitem"]');
          if (child) focusItem(child);
        }
        break;
      case "ArrowLeft":
        if (li.getAttribute("aria-expanded") === "true") collapse(li);
        else if (parentItem(li)) focusItem(parentItem(li));
        break;
      case " ":
        if (li.getAttribute("aria-expanded") === "true") collapse(li);
        else if (li.hasAttribute("aria-expanded")) expand(li);
        else if (li.classList.contains("more")) loadMore(li);
        break;
      case "Enter":
        activate(li);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  tree.addEventListener("click", function (event) {
    var li = event.target.closest('[role="treeitem"]');
    if (!li) return;
    if (event.target.closest(".toggle")) {
      if (li.getAttribute("aria-expanded") === "true") collapse(li);
      else expand(li);
      focusItem(li);
    } else if (li.classList.contains("more")) {
      loadMore(li);
    } else if (!event.target.closest("a")) {
      focusItem(li);
    }
  });

  // Opening the tree down to a unit -----------------------------------------------------------

  function findIn(owner, id) {
    var found = items.get(String(id));
    if (found) return Promise.resolve(found);
    var list = owner === tree ? tree : group(owner);
    var more = list.querySelector(":scope > li.more");
    if (!more) return Promise.resolve(null);
    var next = Number(more.dataset.next);
    more.remove();
    return load(owner, next).then(function () {
      return findIn(owner, id);
    });
  }

  function reveal(unit) {
    var steps = unit.path.map(function (a) { return a.id; }).concat([unit.id]);
    var owner = tree;
    var chain = Promise.resolve();
    steps.forEach(function (id, i) {
      chain = chain.then(function () {
        return findIn(owner, id).then(function (li) {
          if (!li) throw new Error("not found");
          owner = li;
          return i < steps.length - 1 ? expand(li) : li;
        });
      });
    });
    return chain.then(function (li) {
      tree.querySelectorAll(".node.found").forEach(function (n) { n.classList.remove("found"); });
      li.querySelector(".node").classList.add("found");
      focusItem(li);
    }).catch(function () {
      say(text.textFailed);
    });
  }

  // Search ------------------------------------------------------------------------------------

  function showResults(answer) {
    results.textContent = "";
    if (!answer.results.length) {
      results.appendChild(el("p", "text-muted", text.textNoMatch));
      return;
    }
    var list = el("ul", "list-group mb-3");
    answer.results.forEach(function (unit) {
      var item = el("li", "list-group-item py-1");
      var button = el("button", "btn btn-link p-0 text-start", unit.name);
      button.type = "button";
      button.title = text.textOpen;
      button.addEventListener("click", function () { reveal(unit); });
      item.appendChild(button);
      item.appendChild(el("span", "meta text-muted small", " " + unit.kind));
      var path = unit.path.map(function (a) { return a.name; }).join(" › ");
      if (path) item.appendChild(el("div", "path", path));
      list.appendChild(item);
    });
    results.appendChild(list);
    if (answer.more) results.appendChild(el("p", "small text-muted", text.textTooMany));
  }

  var pending = null;
  var latest = 0;
  function search(query) {
    var ticket = ++latest;
    if (!query.trim()) {
      results.textContent = "";
      return;
    }
    getJSON(text.searchUrl + "?q=" + encodeURIComponent(query)).then(function (answer) {
      if (ticket === latest) showResults(answer);
    }).catch(function () {
      results.textContent = text.textFailed;
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { search(input.value); }, 250);
  });
  document.getElementById("unit-tree-search").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(pending);
    search(input.value);
  });

  function revealById(id) {
    return getJSON(text.searchUrl + "?unit=" + encodeURIComponent(id)).then(function (answer) {
      if (answer.results.length) return reveal(answer.results[0]);
    });
  }

  document.querySelectorAll("[data-reveal]").forEach(function (button) {
    button.addEventListener("click", function () {
      revealById(button.dataset.reveal);
    });
  });

  load(tree, 0).then(function () {
    var first = tree.querySelector('[role="treeitem"]');
    if (first) first.tabIndex = 0;
    if (input.value) search(input.value);
    if (text.open) revealById(text.open);
  });
})();
