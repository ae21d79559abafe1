// Pre-sales request form: "Add another date" clones the last key-date row (the form works without it).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-key-dates]");
  if (!box) return;
  var button = box.querySelector("[data-add-key-date]");
  var total = box.querySelector("input[name$='-TOTAL_FORMS']");
  var max = box.querySelector("input[name$='-MAX_NUM_FORMS']");
  if (!button || !total) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = box.querySelectorAll(".key-date-row");
    var count = parseInt(total.value, 10);
    if (max && count >= parseInt(max.value, 10)) return;
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input, label").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.replace(/-\d+-/, "-" + count + "-"));
      });
      if (el.tagName === "LABEL" && /^Date \d+$/.test(el.textContent)) el.textContent = "Date " + (count + 1);
      if (el.tagName === "INPUT") el.value = "";
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    rows[rows.length - 1].after(row);
    total.value = count + 1;
    row.querySelector("input").focus();
  });
});
