#pragma once
// Model bundles are code (TorchScript archives can run arbitrary graphs): before a bundle is
// used for the first time, the window shows who made it and its manifest's checksum (which pins
// every file's sha256) and asks. Trusted manifests are remembered by checksum (setting
// bundles/trusted), so a changed bundle asks again.

#include <QString>

class QWidget;

namespace sam3::ui {

struct BundleIdentity {
  QString directory;
  QString name;
  QString producer;        // exporter, torch version, checkpoint checksum: what the manifest says
  QString manifestSha256;  // the SHA-256 of manifest.json's bytes (what `sha256sum manifest.json` prints)
  QString legacyTrustKey;  // the key versions before December 2026 remembered instead (the bytes in hex)
  QString error;           // the manifest cannot be read (the loader then says why, in full)
};

class BundleTrust {
 public:
  static BundleIdentity describe(const QString& bundleDirectory);
  static bool isTrusted(const BundleIdentity& bundle);
  static void trust(const BundleIdentity& bundle);
  // True when the bundle may be loaded: already trusted, unreadable (the loader reports it), or
  // the person said yes in the dialog (then remembered).
  static bool confirm(const BundleIdentity& bundle, QWidget* parent);
  static QString question(const BundleIdentity& bundle);  // the dialog's text
};

}  // namespace sam3::ui
