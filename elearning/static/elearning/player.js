/* The LMS side of the SCORM player (docs/elearning.md).
 * scorm-again's API runs here, on the LMS origin: it loads the attempt's saved data, commits to
 * the attempt's endpoint (same origin, CSRF token), and answers the content frame — which is on
 * the content origin — through CrossFrameLMS, accepting messages from that origin only. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("player-config").textContent);
  var csrf = document.getElementById("player-csrf").value;
  var status = document.getElementById("player-status");
  var frame = document.getElementById("elearning-frame");
  var scorm12 = config.standard === "scorm12";
  var settings = {
    lmsCommitUrl: config.commitUrl,
    autocommit: true,
    autocommitSeconds: 30,
    dataCommitFormat: "json",
    xhrHeaders: { "X-CSRFToken": csrf },
    terminateCommitParam: "terminate",
    logLevel: 5,
    responseHandler: undefined
  };
  var api = scorm12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  api.loadFromJSON(config.cmi);

  function post(query) {
    var request = new XMLHttpRequest();
    // Synchronous, like scorm-again's own commits: the SCO's first commit must not overtake it.
    request.open("POST", config.commitUrl + "&" + query, false);
    request.setRequestHeader("Content-Type", "application/json");
    request.setRequestHeader("X-CSRFToken", csrf);
    request.send("{}");
  }
  api.on(scorm12 ? "LMSInitialize" : "Initialize", function () { post("initialize=true"); });
  api.on(scorm12 ? "LMSFinish" : "Terminate", function () {
    status.textContent = status.dataset.finished || "";
  });
  status.dataset.finished = document.documentElement.lang.indexOf("en") === 0
    ? "Progress saved. You may close this page." : "學習進度已儲存，可離開此頁。";

  new window.CrossFrameLMS(api, config.contentOrigin);
  frame.src = config.launchUrl;
})();
