#include "ui/engine/BundleTrust.h"

#include <QDir>
#include <QMessageBox>
#include <QPushButton>
#include <QStringList>
#include <nlohmann/json.hpp>

#include "engine/io/AtomicFile.h"
#include "engine/io/Sha256.h"
#include "engine/bundle/BundleManifest.h"
#include "ui/support/Settings.h"

namespace sam3::ui {
namespace {


QString producerOf(const std::string& manifestText) {
  const nlohmann::json j = nlohmann::json::parse(manifestText, nullptr, false);
  if (!j.is_object() || !j.contains("producer") || !j["producer"].is_object()) return QObject::tr("not stated");
  QStringList parts;
  for (const auto& [key, value] : j["producer"].items()) {
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    parts << QStringLiteral("%1: %2").arg(QString::fromStdString(key), QString::fromStdString(text));
  }
  return parts.join(QStringLiteral("\n"));
}

}  // namespace

BundleIdentity BundleTrust::describe(const QString& bundleDirectory) {
  BundleIdentity identity;
  identity.directory = bundleDirectory;
  try {
    const std::string path = QDir(bundleDirectory).filePath(QStringLiteral("manifest.json")).toStdString();
    const std::string text = io::readWholeFile(path);
    const bundle::BundleManifest manifest = bundle::BundleManifest::parse(text, path);
    identity.name = QString::fromStdString(manifest.name);
    identity.producer = producerOf(text);
    identity.manifestSha256 = QString::fromStdString(io::Sha256::hexOf(text));
    identity.legacyTrustKey = QString::fromStdString(io::toHex(text.data(), text.size()));
  } catch (const std::exception& e) {
    identity.error = QString::fromUtf8(e.what());
  }
  return identity;
}

bool BundleTrust::isTrusted(const BundleIdentity& bundle) {
  if (bundle.manifestSha256.isEmpty()) return false;
  QStringList trusted = settings::trustedBundles().get();
  if (trusted.contains(bundle.manifestSha256)) return true;
  // Trusted by an earlier version under the manifest's bytes in hex (kilobytes per entry): kept
  // as trusted, remembered by its hash from now on.
  if (bundle.legacyTrustKey.isEmpty() || !trusted.removeAll(bundle.legacyTrustKey)) return false;
  trusted << bundle.manifestSha256;
  settings::trustedBundles().set(trusted);
  return true;
}

void BundleTrust::trust(const BundleIdentity& bundle) {
  if (bundle.manifestSha256.isEmpty() || isTrusted(bundle)) return;
  QStringList trusted = settings::trustedBundles().get();
  trusted << bundle.manifestSha256;
  settings::trustedBundles().set(trusted);
}

QString BundleTrust::question(const BundleIdentity& bundle) {
  return QObject::tr("<p>A model bundle contains TorchScript programs that run with your permissions. Use bundles only "
                     "from an exporter you trust (yours, or a colleague's you can ask).</p>"
                     "<p><b>%1</b><br>%2</p><p><b>Made by</b><br>%3</p><p><b>SHA-256 of manifest.json</b> (it pins every file's own SHA-256)<br><tt>%4</tt></p>"
                     "<p>Load it and remember this bundle?</p>")
      .arg(bundle.name.toHtmlEscaped(), QDir::toNativeSeparators(bundle.directory).toHtmlEscaped(),
           bundle.producer.toHtmlEscaped().replace(QStringLiteral("\n"), QStringLiteral("<br>")), bundle.manifestSha256);
}

bool BundleTrust::confirm(const BundleIdentity& bundle, QWidget* parent) {
  if (!bundle.error.isEmpty() || isTrusted(bundle)) return true;
  QMessageBox box(QMessageBox::Question, QObject::tr("Use this model bundle?"), question(bundle), QMessageBox::Cancel, parent);
  box.setObjectName(QStringLiteral("bundleTrustDialog"));
  box.setTextFormat(Qt::RichText);
  box.setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);  // the hash can be copied and compared
  QPushButton* load = box.addButton(QObject::tr("Trust and Load"), QMessageBox::AcceptRole);
  box.setDefaultButton(QMessageBox::Cancel);
  box.exec();
  if (box.clickedButton() != load) return false;
  trust(bundle);
  return true;
}

}  // namespace sam3::ui
