/* Progressive enhancement only: without this file every link stays visible and usable. */
(function () {
  "use strict";
  var nav = document.querySelector(".main-nav");
  var list = nav && nav.querySelector("ul");
  if (!nav || !list || !window.matchMedia) return;
  var narrow = window.matchMedia("(max-width: 40em)");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "menu-toggle";
  button.setAttribute("aria-controls", list.id);
  button.textContent = "Menu";
  nav.insertBefore(button, list);

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.hidden = !open;
  }
  function apply() {
    if (narrow.matches) {
      document.documentElement.classList.add("js-menu");
      setOpen(false);
    } else {
      document.documentElement.classList.remove("js-menu");
      list.hidden = false;
      button.removeAttribute("aria-expanded");
    }
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && !list.hidden) {
      setOpen(false);
      button.focus();
    }
  });
  if (narrow.addEventListener) narrow.addEventListener("change", apply);
  apply();
})();
