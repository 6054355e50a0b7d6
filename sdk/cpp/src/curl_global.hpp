// curl_global_init() once per process, shared by the transport and the live subscription.
#pragma once

namespace lumen::detail {
void ensure_curl_global_init();
}
