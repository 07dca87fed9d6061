/*
 * What Wagtail's admin starts with inline <script> blocks (inline panels, multiple
 * chooser panels, date and time pickers, page/image/document/snippet/task
 * choosers), started from this file instead, so the
 * Content-Security-Policy needs no 'unsafe-inline' for scripts. The overriding
 * templates (cms/security/templates/wagtailadmin/) put
 *   <script src=".../csp-init.js" data-lianxi-init="InlinePanel" data-options="{...}">
 * where Wagtail had the inline block. Such a tag runs this file in place (same
 * moment as the inline block did). Forms inserted later (an inline panel's "add",
 * a modal) are HTML whose scripts with src never run: the observer below starts them.
 */
(function () {
  "use strict";

  // Wagtail's chooser widgets (cms/security/csp.py), by their JavaScript class.
  var CHOOSERS = ["Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser"];
  var STARTERS = {
    InlinePanel: function (script, options) {
      return new window.InlinePanel(options);
    },
    MultipleChooserPanel: function (script, options) {
      return new window.MultipleChooserPanel(options);
    },
    chooser: function (script, options) {
      var name = script.getAttribute("data-constructor");
      if (CHOOSERS.indexOf(name) < 0) return;
      return new window[name](script.getAttribute("data-id"), options);
    },
    createTaskChooser: function (script) {
      window.createTaskChooser(script.getAttribute("data-id"));
    },
    initDateChooser: function (script, options) {
      window.initDateChooser(script.getAttribute("data-id"), options);
    },
    initTimeChooser: function (script, options) {
      window.initTimeChooser(script.getAttribute("data-id"), options);
    },
    initDateTimeChooser: function (script, options) {
      window.initDateTimeChooser(script.getAttribute("data-id"), options);
    },
  };
  var SELECTOR = "script[data-lianxi-init]";

  function start(script) {
    if (script.hasAttribute("data-lianxi-started")) return;
    // Not inside an inert <template> (an inline panel's empty form).
    if (!script.ownerDocument || !script.ownerDocument.defaultView) return;
    var starter = STARTERS[script.getAttribute("data-lianxi-init")];
    if (!starter) return;
    script.setAttribute("data-lianxi-started", "");
    var raw = script.getAttribute("data-options");
    starter(script, raw ? JSON.parse(raw) : {});
  }

  // jQuery (Wagtail's inline panels insert their new form with it) runs the <script
  // src> tags of inserted HTML by downloading the file and evaluating it as an
  // inline script, which the policy blocks. This file's own tags are started by the
  // observer below; any other file is loaded as a script element instead.
  var jq = window.jQuery;
  if (jq && jq._evalUrl && !jq._lianxiCspEvalUrl) {
    jq._lianxiCspEvalUrl = true;
    jq._evalUrl = function (url) {
      if (/\/security\/csp-init(\.[0-9a-f]+)?\.js(\?|#|$)/.test(url)) return;
      var script = document.createElement("script");
      script.src = url;
      script.async = false;
      document.head.appendChild(script);
    };
  }

  var current = document.currentScript;
  if (current && current.matches(SELECTOR)) start(current);

  if (!window.lianxiCspInitObserver) {
    window.lianxiCspInitObserver = new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          // A tag the parser just inserted runs itself (and its panel's markup is
          // complete only then); only inserted HTML is started from here.
          if (document.readyState === "loading") return;
          if (node.matches(SELECTOR)) start(node);
          node.querySelectorAll(SELECTOR).forEach(start);
        });
      });
    });
    window.lianxiCspInitObserver.observe(document.documentElement, {
      childList: true,
      subtree: true,
    });
  }
})();
