/* The referral form: add and remove household members without a round trip, and move the focus
   to the error summary (or to the field the server asks for). Without JavaScript the same
   buttons submit the form and the server does the same work. */
(function () {
  "use strict";
  var form = document.getElementById("referral-form");
  if (!form) { return; }
  var list = document.getElementById("member-list");
  var template = document.getElementById("member-template");
  var announcer = document.getElementById("member-announcer");
  var addButton = document.getElementById("add-member");
  var MAX_MEMBERS = 20;
  // the page's words, in its language (data-* of the announcer, from the catalogue): N is the count
  function say(name, count) {
    return announcer.getAttribute("data-" + name).split("N").join(String(count));
  }

  function members() { return list.querySelectorAll("fieldset.abitare-member"); }

  function renumber() {
    var rows = members();
    rows.forEach(function (row, position) {
      row.querySelectorAll(".abitare-member-number").forEach(function (el) {
        el.textContent = String(position + 1);
      });
      var remove = row.querySelector(".abitare-remove-member");
      if (remove) { remove.hidden = rows.length < 2; }
    });
    addButton.hidden = rows.length >= MAX_MEMBERS;
  }

  function nextIndex() {
    var highest = -1;
    members().forEach(function (row) {
      highest = Math.max(highest, parseInt(row.getAttribute("data-member-index"), 10) || 0);
    });
    return highest + 1;
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    if (members().length >= MAX_MEMBERS) { return; }
    var index = String(nextIndex());
    var html = template.innerHTML.split("__INDEX__").join(index)
                                 .split("__NUMBER__").join(String(members().length + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    list.appendChild(row);
    renumber();
    announcer.textContent = say("added", members().length);
    var first = row.querySelector("input");
    if (first) { first.focus(); }
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".abitare-remove-member");
    if (!button) { return; }
    event.preventDefault();
    if (members().length < 2) { return; }
    button.closest("fieldset.abitare-member").remove();
    renumber();
    announcer.textContent = say(members().length === 1 ? "removed-one" : "removed", members().length);
    addButton.focus();
  });

  renumber();
  var summary = document.getElementById("error-summary");
  var focusId = form.getAttribute("data-focus");
  if (summary) {
    summary.focus();
  } else if (focusId && document.getElementById(focusId)) {
    document.getElementById(focusId).focus();
  }
})();
