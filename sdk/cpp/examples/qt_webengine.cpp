// A Lumen widget in a Qt 6 app: the embed page in a QWebEngineView, plus a native metric label fed by
// the SDK's live subscription.
//
//   LUMEN_URL=https://lumen.example.com LUMEN_EMBED_TOKEN=<token from your backend> ./lumen_example_qt
//
// Build: configured by sdk/cpp/CMakeLists.txt when Qt6 WebEngineWidgets is found
// (Debian/Ubuntu: qt6-webengine-dev); skipped with a message otherwise.
#include <QApplication>
#include <QLabel>
#include <QMetaObject>
#include <QUrl>
#include <QVBoxLayout>
#include <QWebEngineView>
#include <QWidget>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lumen/embed.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const char* base = std::getenv("LUMEN_URL");
  const char* token = std::getenv("LUMEN_EMBED_TOKEN");
  if (!base || !token) {
    std::fprintf(stderr, "set LUMEN_URL and LUMEN_EMBED_TOKEN (a token your backend minted)\n");
    return 2;
  }

  QWidget window;
  auto* layout = new QVBoxLayout(&window);
  auto* status = new QLabel("connecting…");
  auto* view = new QWebEngineView;
  // The embed page draws itself and keeps itself live; nothing else is needed to show it.
  view->load(QUrl(QString::fromStdString(lumen::embed_url(base, token))));
  layout->addWidget(status);
  layout->addWidget(view, 1);

  // For a card drawn natively: the same data as the page, as JSON. Callbacks run on the
  // subscription's thread, so hop to the UI thread before touching widgets.
  lumen::SubscriptionConfig live;
  live.base_url = base;
  live.token = token;
  live.on_update = [status](const lumen::EmbedUpdate& update) {
    const QString text = QString("data version %1 (%2 bytes)")
                             .arg(QString::fromStdString(update.id))
                             .arg(static_cast<qulonglong>(update.json.size()));
    QMetaObject::invokeMethod(status, [status, text] { status->setText(text); }, Qt::QueuedConnection);
  };
  live.on_state = [status](lumen::SubscriptionState state, std::string_view) {
    if (state == lumen::SubscriptionState::Expired)
      QMetaObject::invokeMethod(status, [status] { status->setText("token expired: ask the backend for a new one"); },
                                Qt::QueuedConnection);
  };
  lumen::LiveSubscription subscription(std::move(live));

  window.resize(900, 600);
  window.show();
  const int code = app.exec();
  subscription.stop();  // before the label it writes to goes away
  return code;
}
