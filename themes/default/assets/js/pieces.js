/* Checklist of supporting documents: the applicant ticks their situations and only their pieces stay
   shown (the mandatory ones always), ready to print. Without this script every situation is listed,
   grouped, and prints as it is. */
(function () {
  "use strict";
  var box = document.querySelector(".documents");
  if (!box) return;
  var terms = box.querySelectorAll("dt[id^='situation-']");
  if (!terms.length) return;
  var intro = document.createElement("div");
  intro.className = "checklist-tools";
  intro.setAttribute("data-enhancement", "");
  var text = document.createElement("p");
  text.textContent = "Cochez les situations qui vous concernent : seules leurs pièces resteront affichées, et seules elles seront imprimées.";
  var status = document.createElement("p");
  status.className = "checklist-status";
  status.setAttribute("role", "status");
  var print = document.createElement("button");
  print.type = "button";
  print.textContent = "Imprimer ma liste";
  print.addEventListener("click", function () { window.print(); });
  intro.appendChild(text);
  intro.appendChild(status);
  intro.appendChild(print);
  var second = box.querySelector("#pieces-selon-situation");
  box.insertBefore(intro, second || box.firstChild);

  var boxes = [];
  Array.prototype.forEach.call(terms, function (dt) {
    var input = document.createElement("input");
    input.type = "checkbox";
    input.id = "coche-" + dt.id;
    var label = document.createElement("label");
    label.htmlFor = input.id;
    while (dt.firstChild) label.appendChild(dt.firstChild);
    dt.appendChild(input);
    dt.appendChild(label);
    boxes.push(input);
  });
  function update() {
    var chosen = boxes.filter(function (b) { return b.checked; }).length;
    /* unticked situations keep their line (to be ticked), lose their pieces, and are not printed */
    Array.prototype.forEach.call(terms, function (dt, i) {
      var show = !chosen || boxes[i].checked;
      dt.classList.toggle("unchosen", !show);
      if (dt.nextElementSibling && dt.nextElementSibling.tagName === "DD") dt.nextElementSibling.hidden = !show;
    });
    Array.prototype.forEach.call(box.querySelectorAll(".document-group"), function (group) {
      group.classList.toggle("unchosen", chosen > 0 && !group.querySelector("dt input:checked"));
    });
    document.documentElement.classList.toggle("checklist-active", chosen > 0);
    status.textContent = chosen ? chosen + (chosen > 1 ? " situations choisies" : " situation choisie") + " : seules leurs pièces sont affichées." : "";
  }
  box.addEventListener("change", update);
})();
