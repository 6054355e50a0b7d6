// lumen.js: the browser tracker's entry point. Builds window.lumen, records the first pageview,
// and sends whatever an earlier page left queued.
import { navigate, startAutocapture } from "./autocapture";
import { setConsent } from "./identity";
import { flush } from "./queue";
import { identify, track } from "./track";
import type { LumenApi } from "./types";

const api: LumenApi = (window.lumen = {
  track,
  identify,
  page: () => navigate(true),
  consent(state: Parameters<LumenApi["consent"]>[0]) {
    setConsent(state);
    flush();
  },
  optOut: () => api.consent(false),
  flush,
});

startAutocapture();
navigate();
flush();
