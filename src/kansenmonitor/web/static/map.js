// Progressive enhancement: a tooltip for the area under the pointer or the keyboard focus.
// The map works without it (each area is a link with a title, and the table has every value).
(function () {
  var tip = document.getElementById("map-tip");
  if (!tip) return;
  function show(e) {
    var a = e.target.closest && e.target.closest("a.area");
    if (!a) return;
    tip.textContent = a.getAttribute("data-tip");
    tip.classList.add("map-tip--on");
  }
  function hide() { tip.classList.remove("map-tip--on"); }
  var map = document.querySelector("svg.map");
  map.addEventListener("mouseover", show);
  map.addEventListener("focusin", show);
  map.addEventListener("mouseleave", hide);
  map.addEventListener("focusout", hide);
})();
