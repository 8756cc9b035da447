/* The kernel-free EM player (gmm_teach.scrubber.em_player_html): vanilla JavaScript, no
   files, no network. em_player_html fills in root id, frames, captions and interval ms.
   Keys pressed while the player has focus stay in it (data-lm-suppress-shortcuts keeps
   them from JupyterLab's notebook shortcuts; stopPropagation from anything else):
   left/right arrows step one half-step (E, M, E, M, ...), Home/End jump, space plays or
   pauses. Play steps the same half-steps as the live scrubber. */
(function () {
  var root = document.getElementById(/*ROOT_ID*/null);
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  var frames = /*FRAMES*/null;
  var captions = /*CAPTIONS*/null;
  var img = root.querySelector(".gmm-player-frame");
  var slider = root.querySelector(".gmm-player-slider");
  var caption = root.querySelector(".gmm-player-caption");
  var play = root.querySelector(".gmm-player-play");
  var timer = null;
  function current() { return parseInt(slider.value, 10) || 0; }
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    slider.value = String(i);
    img.src = frames[i];
    caption.innerHTML = captions[i];
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.innerHTML = "&#9654; play";
    play.setAttribute("aria-pressed", "false");
  }
  function start() {
    if (current() >= frames.length - 1) { show(0); }
    play.innerHTML = "&#10074;&#10074; pause";
    play.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (current() >= frames.length - 1) { stop(); } else { show(current() + 1); }
    }, /*INTERVAL_MS*/null);
  }
  function toggle() { if (timer !== null) { stop(); } else { start(); } }
  slider.addEventListener("input", function () { show(current()); });
  slider.addEventListener("change", function () { show(current()); });
  root.querySelector(".gmm-player-prev").addEventListener("click", function () {
    stop(); show(current() - 1);
  });
  root.querySelector(".gmm-player-next").addEventListener("click", function () {
    stop(); show(current() + 1);
  });
  play.addEventListener("click", toggle);
  var steps = {ArrowLeft: -1, ArrowDown: -1, PageDown: -1, ArrowRight: 1, ArrowUp: 1,
               PageUp: 1};
  root.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    if (key in steps) { stop(); show(current() + steps[key]); }
    else if (key === "Home") { stop(); show(0); }
    else if (key === "End") { stop(); show(frames.length - 1); }
    else if (key === " " || key === "Spacebar") { toggle(); }
    else if (key === "Enter" && event.shiftKey) { return; }
    else { event.stopPropagation(); return; }
    event.preventDefault();
    event.stopPropagation();
  });
})();
