// The catalog's only script: copy buttons, and search over the index the
// repositories page carries inline. It builds results with textContent
// only, never as HTML.
(function () {
  "use strict";

  function copied(button, ok) {
    var label = button.textContent;
    button.textContent = ok ? "Copied" : "Copy failed";
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  function copyByHand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy");
    if (!button) { return; }
    var text = button.getAttribute("data-copy") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button, true); },
        function () { copied(button, copyByHand(text)); });
    } else {
      copied(button, copyByHand(text));
    }
  });

  var input = document.getElementById("search");
  var holder = document.getElementById("search-index");
  if (!input || !holder) { return; }
  var files = JSON.parse(holder.textContent || "[]") || [];
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var maxShown = 100;

  function matches(file, q) {
    if (file.name.toLowerCase().indexOf(q) >= 0) { return true; }
    if (file.version && file.version.toLowerCase().indexOf(q) === 0) { return true; }
    return (file.hashes || []).some(function (h) { return h.indexOf(q) === 0; });
  }

  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = "";
    if (q === "") { status.textContent = ""; return; }
    var found = files.filter(function (f) { return matches(f, q); });
    found.slice(0, maxShown).forEach(function (f) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = f.page;
      a.textContent = f.name + (f.version ? " " + f.version : "");
      item.appendChild(a);
      item.appendChild(document.createTextNode(" in " + f.repository));
      results.appendChild(item);
    });
    status.textContent = found.length === 0 ? "No file matches." :
      found.length + (found.length === 1 ? " file matches" : " files match") +
      (found.length > maxShown ? "; the first " + maxShown + " are shown." : ".");
  }

  input.addEventListener("input", search);
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
  search();
}());
