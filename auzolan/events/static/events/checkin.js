// Check-in page: keeps the code field ready for the next scan and, where the browser has a barcode detector
// (BarcodeDetector) and a camera, adds a "scan with the camera" button. The page works without this file.
(function () {
  "use strict";
  var form = document.querySelector("form[data-checkin]");
  if (!form) return;
  var input = form.querySelector("input[name=code]");
  if (!input) return;
  input.focus();
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary";
  button.textContent = form.getAttribute("data-scan-label") || "Scanner avec l'appareil photo";
  var video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.setAttribute("muted", "");
  video.hidden = true;
  video.className = "checkin__video";
  form.appendChild(button);
  form.appendChild(video);
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var scan = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            input.value = codes[0].rawValue;
            form.submit();
          } else {
            window.requestAnimationFrame(scan);
          }
        }).catch(function () { window.requestAnimationFrame(scan); });
      };
      scan();
    }).catch(function () { button.hidden = true; });
  });
})();
