// Filter the threshold checklist by a word. Without JavaScript the whole list shows.
(function () {
  var box = document.querySelector("[data-thresholds-filter]");
  if (!box) return;
  box.hidden = false;
  var input = box.querySelector("input");
  var count = box.querySelector("[aria-live]");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-indicator]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-side-block]"));
  input.addEventListener("input", function () {
    var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) !== -1; }) || item.querySelector("input").checked;
      item.style.display = match ? "" : "none";
      item.toggleAttribute("data-filtered-out", !match);
      if (match) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-indicator]:not([data-filtered-out])");
    });
    blocks.forEach(function (block) {
      block.hidden = !block.querySelector("[data-group]:not([hidden])");
    });
    count.textContent = words.length ? shown + " of " + items.length + " items shown" : "";
  });
})();
