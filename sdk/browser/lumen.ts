// lumen.js: the browser tracker's entry point. Builds window.lumen, records the first pageview,
// and sends whatever an earlier page left queued.
import { navigate, startAutocapture } from "./autocapture";
import { anonymousId, consent, setConsent } from "./identity";
import { flush } from "./queue";
import { identify, reportConsent, track } from "./track";
import type { LumenApi } from "./types";

window.lumen = {
  track,
  identify,
  page: () => navigate(true),
  consent(state: Parameters<LumenApi["consent"]>[0]) {
    const previous = consent;
    const previousId = anonymousId();
    setConsent(state);
    // Changes only: sites may repeat a remembered decision on every page.
    if (consent != previous) reportConsent(previousId);
    flush();
  },
  optOut: () => lumen.consent(false),
  flush,
};

startAutocapture();
navigate();
flush();
