/* Keys and kernel watch for one live widget (gmm_teach.keyguard). Filled in: root class
   (a class only this widget's outer box has), step keys (true: arrows not taken by a
   focused slider press the widget's prev/next buttons, space its play/pause button),
   root css (CSS variables for the outer box: bigger widget text in presenter style).

   1. Keys pressed inside the widget stay in it: data-lm-suppress-shortcuts keeps them from
      JupyterLab's notebook shortcuts, stopPropagation from anything listening above, and
      the focus stays on the widget when a control is re-drawn under it.
   2. If the controls change and no new caption arrives within 2 s, the kernel behind the
      widget is gone (restarted) or busy: the picture is dimmed and a message says to run
      the cell again; it goes away as soon as the kernel answers. */
(function () {
  var script = document.currentScript;
  var tries = 0;
  function install() {
    var root = document.querySelector("." + /*ROOT_CLASS*/null);
    if (!root) {
      if (tries++ < 200) { setTimeout(install, 50); }
      return;
    }
    if (root.getAttribute("data-gmm-keys")) { return; }
    root.setAttribute("data-gmm-keys", "1");
    root.setAttribute("data-lm-suppress-shortcuts", "true");
    root.tabIndex = -1;
    var css = /*ROOT_CSS*/null;
    for (var name in css) { root.style.setProperty(name, css[name]); }
    var steps = {ArrowLeft: "prev", ArrowDown: "prev", ArrowRight: "next", ArrowUp: "next"};
    function press(selector) {
      var button = root.querySelector(selector);
      if (button) { button.click(); }
    }
    root.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "Enter" && event.shiftKey) { return; }  // run the cell, as always
      var onSlider = event.target.closest && event.target.closest(".noUi-handle, input");
      if (/*STEP_KEYS*/null && !onSlider) {
        if (event.key in steps) {
          press(".gmm-step-" + steps[event.key] + " button, button.gmm-step-" +
                steps[event.key]);
          event.preventDefault();
        } else if (event.key === " " || event.key === "Spacebar") {
          press(".widget-play button");  // the play/pause button (ipywidgets 8)
          event.preventDefault();
        }
      }
      event.stopPropagation();
    });
    root.addEventListener("keyup", function (event) {
      // a focused button would also "click" itself on the space bar's keyup
      var onSlider = event.target.closest && event.target.closest(".noUi-handle, input");
      if (/*STEP_KEYS*/null && !onSlider && (event.key === " " || event.key === "Spacebar")) {
        event.preventDefault();
      }
      event.stopPropagation();
    });
    // A control re-drawn under the focus (the E/M toggle re-renders its buttons on every
    // change) drops the focus to <body>, where the next key would reach JupyterLab: keep
    // it on the widget instead.
    root.addEventListener("focusout", function () {
      setTimeout(function () {
        var now = document.activeElement;
        if ((now === null || now === document.body) && document.body.contains(root)) {
          root.focus({preventScroll: true});
        }
      }, 0);
    });
    watch(root, 0);
  }
  // The kernel watch (once the widget's children have rendered).
  function watch(root, attempt) {
    var caption = root.querySelector(".gmm-caption");
    var controls = root.querySelector(".gmm-controls");
    if (!caption || !controls || !root.querySelector("img")) {
      if (attempt < 200) { setTimeout(function () { watch(root, attempt + 1); }, 50); }
      return;
    }
    var banner = document.createElement("div");
    banner.className = "gmm-stale";
    banner.setAttribute("role", "alert");
    banner.textContent = "No answer from the Python kernel: this picture may not match " +
      "the controls. If the kernel was restarted, run this cell again.";
    banner.style.cssText = "display:none;background:#fff3cd;color:#5c4400;" +
      "border:2px solid #d4a000;padding:0.4em 0.6em;font-weight:bold;margin:0.3em 0";
    root.insertBefore(banner, root.firstChild);
    var image = root.querySelector("img");
    var waiting = null;
    // What the controls say: slider values and the selected toggle buttons.
    function signature() {
      return [...controls.querySelectorAll("[aria-valuenow], .widget-readout, " +
                                           ".widget-toggle-button.mod-active")]
        .map(function (e) { return e.getAttribute("aria-valuenow") || e.textContent; })
        .join("|");
    }
    var confirmed = signature();
    function stale() {
      banner.style.display = "block";
      if (image) { image.style.opacity = "0.25"; }
    }
    new MutationObserver(function () {
      if (waiting !== null) { clearTimeout(waiting); waiting = null; }
      confirmed = signature();
      banner.style.display = "none";
      if (image) { image.style.opacity = ""; }
    }).observe(caption, {childList: true, subtree: true, characterData: true});
    new MutationObserver(function () {
      if (waiting === null && signature() !== confirmed) {
        waiting = setTimeout(function () {
          waiting = null;
          if (signature() !== confirmed) { stale(); }
        }, 2000);
      }
    }).observe(controls, {attributes: true, subtree: true, characterData: true,
                          childList: true});
  }
  install();
})();
