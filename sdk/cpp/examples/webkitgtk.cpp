// A Lumen widget in a GTK 3 app: the embed page in a WebKitGTK web view, plus a native label fed by
// the SDK's live subscription.
//
//   LUMEN_URL=https://lumen.example.com LUMEN_EMBED_TOKEN=<token from your backend> ./lumen_example_webkitgtk
//
// Build: configured by sdk/cpp/CMakeLists.txt when pkg-config finds webkit2gtk-4.1 (or 4.0)
// (Debian/Ubuntu: libwebkit2gtk-4.1-dev); skipped with a message otherwise.
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "lumen/embed.hpp"

namespace {

struct LabelUpdate {
  GtkLabel* label;
  std::string text;
};

// Runs on the GTK main loop: the only place widgets may be touched.
gboolean apply_label_update(gpointer data) {
  auto* update = static_cast<LabelUpdate*>(data);
  gtk_label_set_text(update->label, update->text.c_str());
  delete update;
  return G_SOURCE_REMOVE;
}

}  // namespace

int main(int argc, char** argv) {
  gtk_init(&argc, &argv);
  const char* base = std::getenv("LUMEN_URL");
  const char* token = std::getenv("LUMEN_EMBED_TOKEN");
  if (!base || !token) {
    std::fprintf(stderr, "set LUMEN_URL and LUMEN_EMBED_TOKEN (a token your backend minted)\n");
    return 2;
  }

  GtkWidget* window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size(GTK_WINDOW(window), 900, 600);
  g_signal_connect(window, "destroy", G_CALLBACK(gtk_main_quit), nullptr);
  GtkWidget* box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget* status = gtk_label_new("connecting…");
  GtkWidget* view = webkit_web_view_new();
  webkit_web_view_load_uri(WEBKIT_WEB_VIEW(view), lumen::embed_url(base, token).c_str());
  gtk_box_pack_start(GTK_BOX(box), status, FALSE, FALSE, 0);
  gtk_box_pack_start(GTK_BOX(box), view, TRUE, TRUE, 0);
  gtk_container_add(GTK_CONTAINER(window), box);

  // Callbacks run on the subscription's thread: hand the text to the main loop with g_idle_add.
  lumen::SubscriptionConfig live;
  live.base_url = base;
  live.token = token;
  live.on_update = [label = GTK_LABEL(status)](const lumen::EmbedUpdate& update) {
    g_idle_add(apply_label_update, new LabelUpdate{label, "data version " + update.id + " (" +
                                                              std::to_string(update.json.size()) + " bytes)"});
  };
  lumen::LiveSubscription subscription(std::move(live));

  gtk_widget_show_all(window);
  gtk_main();
  subscription.stop();
  return 0;
}
