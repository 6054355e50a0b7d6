/* Lumen embed loader: <script src="https://HOST/lumen-embed.js" data-src="EMBED_URL" async></script>
   Inserts the embed's iframe after this script and sizes it from the embed's "resize" messages.
   Every message of the embed ({ lumen: 1, type, ... }, checked to come from that iframe and origin)
   is re-dispatched on the iframe element as a "lumen:<type>" event, e.g. "lumen:filter-changed".
   Hosts talk back with iframe.lumen.send(type, fields), e.g. send("set-theme", { mode: "dark" });
   actions sent before the embed is ready wait for it. For an iframe of your own, load this script
   without data-src and call LumenEmbed.attach(iframe). Message shapes: README.md, "Embeds". */
(() => {
  function attach(frame) {
    if (frame.lumen) return frame.lumen;
    var origin = new URL(frame.src, location.href).origin;
    var ready = false;
    var waiting = [];
    function post(message) {
      frame.contentWindow.postMessage(message, origin);
    }
    window.addEventListener("message", (event) => {
      var data = event.data;
      if (event.source !== frame.contentWindow || event.origin !== origin || !data || data.lumen !== 1) return;
      if (data.type === "ready") {
        ready = true;
        waiting.splice(0).forEach(post);
      }
      if (data.type === "resize" && data.height > 0) frame.style.height = `${data.height}px`;
      frame.dispatchEvent(new CustomEvent(`lumen:${data.type}`, { detail: data }));
    });
    // An embed that was ready before we listened answers "hello" with "ready" again.
    function hello() {
      if (frame.contentWindow) post({ lumen: 1, type: "hello" });
    }
    frame.addEventListener("load", hello);
    hello();
    frame.lumen = {
      send: (type, fields) => {
        var message = Object.assign({}, fields, { lumen: 1, type: type });
        if (ready) post(message);
        else waiting.push(message);
      },
    };
    return frame.lumen;
  }
  window.LumenEmbed = window.LumenEmbed || { attach: attach };

  var script = document.currentScript;
  var src = script?.getAttribute("data-src");
  if (!src) return;
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "Lumen report";
  frame.setAttribute("loading", "lazy");
  frame.style.cssText = `width:100%;border:0;height:${script.getAttribute("data-height") || "300"}px`;
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.LumenEmbed.attach(frame);
})();
