"use client";
// The vitals demo's moving parts: the late image, the banner it brings (inserted above everything,
// so the page shifts down by its height) and the error buttons.
import { useEffect, useRef, useState } from "react";

export function VitalsDemoControls({ imageUrl }: { imageUrl: string }) {
  const image = useRef<HTMLImageElement>(null);
  const [loaded, setLoaded] = useState(false);
  const [orders, setOrders] = useState(1000);

  useEffect(() => {
    const element = image.current;
    if (!element) return;
    // The image may have loaded before hydration attached React's onLoad.
    if (element.complete && element.naturalWidth) setLoaded(true);
    else element.addEventListener("load", () => setLoaded(true), { once: true });
  }, []);

  return (
    <>
      {loaded && (
        <div role="status" className="h-[300px] rounded bg-amber-100 p-4 text-amber-900">
          Late banner: it pushed the page down when the image arrived.
        </div>
      )}
      <h1 className="text-3xl font-semibold">Vitals demo</h1>
      {/* biome-ignore lint/performance/noImgElement: the test needs a plain img as the page's LCP element */}
      <img ref={image} src={imageUrl} width={800} height={450} alt="A late hero" />
      <div className="flex gap-3">
        <button
          type="button"
          className="rounded border px-3"
          onClick={() => {
            setOrders(orders + 1);
            // Uncaught, outside React's handler: the window's error event.
            setTimeout(() => {
              throw new Error(`Checkout failed for order ${orders}`);
            });
          }}
        >
          Throw an error
        </button>
        <button
          type="button"
          className="rounded border px-3"
          onClick={() => void Promise.reject(new Error("Network timeout after 3000 ms"))}
        >
          Reject a promise
        </button>
      </div>
    </>
  );
}
