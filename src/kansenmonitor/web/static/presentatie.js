/* Keyboard for the presentation: arrow keys, PageUp/PageDown, space, Home/End move between screens (#scherm-N).
   Every screen works without this script: the links Vorige/Volgende are plain anchors. */
(function () {
  "use strict";
  var screens = Array.prototype.slice.call(document.querySelectorAll(".screen"));
  if (!screens.length) { return; }
  function current() {
    var id = window.location.hash.slice(1);
    for (var i = 0; i < screens.length; i++) { if (screens[i].id === id) { return i; } }
    return 0;
  }
  function go(i) {
    if (i < 0 || i >= screens.length || i === current()) { return; }
    window.location.hash = screens[i].id;
  }
  /* a new screen starts at the top of the page (its title bar in view) and takes the focus, so that a screen
     reader reads where it is ("3 van 13") and the next key press starts from there */
  window.addEventListener("hashchange", function () {
    var el = screens[current()];
    window.scrollTo(0, 0);
    if (el && el.focus) { el.focus({preventScroll: true}); }
  });
  function canScroll(down) {
    var el = document.scrollingElement || document.documentElement;
    return down ? window.innerHeight + window.scrollY < el.scrollHeight - 2 : window.scrollY > 2;
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) { return; }
    var inScroller = t && t.closest && t.closest(".table-scroll");
    var k = e.key, i = current(), to = null;
    if (k === "ArrowRight" && !inScroller) { to = i + 1; }
    else if (k === "ArrowLeft" && !inScroller) { to = i - 1; }
    else if ((k === "PageDown" || k === "ArrowDown" || (k === " " && !e.shiftKey)) && !canScroll(true)) { to = i + 1; }
    else if ((k === "PageUp" || k === "ArrowUp" || (k === " " && e.shiftKey)) && !canScroll(false)) { to = i - 1; }
    else if (k === "Home") { to = 0; }
    else if (k === "End") { to = screens.length - 1; }
    if (to === null) { return; }
    e.preventDefault();
    go(to);
  });
}());
