// A script that tracks an event and simply ends: the SDK must send it before the process exits.
import { Lumen } from "../index";

const lumen = new Lumen({ host: process.argv[2]!, writeKey: "k", flushIntervalMs: 60_000 });
lumen.track({ name: "cli_ran" });
