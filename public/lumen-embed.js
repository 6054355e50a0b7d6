/* Lumen embed loader: <script src="https://HOST/lumen-embed.js" data-src="EMBED_URL" async></script>
   Inserts the embed's iframe after this script and sizes it from the embed's "resize" messages.
   Every message of the embed ({ lumen: 1, type, ... }, checked to come from that iframe and origin)
   is re-dispatched on the iframe element as a "lumen:<type>" event, e.g. "lumen:loaded". */
(function () {
  var script = document.currentScript;
  var src = script.getAttribute("data-src");
  if (!src) return;
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "Lumen report";
  frame.setAttribute("loading", "lazy");
  frame.style.cssText = "width:100%;border:0;height:" + (script.getAttribute("data-height") || "300") + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  var origin = new URL(src, location.href).origin;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== frame.contentWindow || event.origin !== origin || !data || data.lumen !== 1) return;
    if (data.type === "resize" && data.height > 0) frame.style.height = data.height + "px";
    frame.dispatchEvent(new CustomEvent("lumen:" + data.type, { detail: data }));
  });
})();
