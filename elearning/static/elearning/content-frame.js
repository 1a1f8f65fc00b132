/* The content origin's frame (docs/elearning.md): gives the SCO scorm-again's CrossFrameAPI as
 * window.API (SCORM 1.2) and window.API_1484_11 (SCORM 2004), where the SCO's standard API
 * discovery (walking window.parent) finds it, and posts only to the LMS's origin. The saved data
 * (suspend_data, location) is fetched before the SCO loads, because the SCO reads it
 * synchronously right after initializing. */
(function () {
  "use strict";
  var origin = document.body.getAttribute("data-site-origin");
  var api = new window.CrossFrameAPI(origin, window.parent);
  window.API = api;
  window.API_1484_11 = api;
  var sco = document.getElementById("sco");
  function start() { sco.src = sco.getAttribute("data-src"); }
  api._post("getFlattenedCMI", []).then(function (all) {
    Object.keys(all || {}).forEach(function (key) { api._cache.set(key, String(all[key])); });
  }).catch(function () { /* the SCO still runs; it starts without its saved data */ }).then(start);
})();
