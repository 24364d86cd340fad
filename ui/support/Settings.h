#pragma once
// Every persistent setting, declared once: key, type, default and what counts as valid. Code
// reads and writes settings only through these (no key literal elsewhere); a stored value of
// the wrong type or out of range reads as the default. Command-line options become this run's
// value (`overrideForThisRun`) and are never written to the user's settings.

#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <functional>
#include <optional>

#include "engine/io/ImageLimits.h"

namespace sam3::ui::settings {

template <typename T>
class Setting {
 public:
  using Check = std::function<bool(const T&)>;
  Setting(QString key, T fallback, Check valid = {}) : m_key(std::move(key)), m_fallback(std::move(fallback)), m_valid(std::move(valid)) {}

  bool isValid(const T& value) const { return !m_valid || m_valid(value); }

  // This run's override if any, else the stored value when it is valid, else the default.
  T get() const {
    if (m_override) return *m_override;
    const QVariant stored = QSettings().value(m_key);
    if (!stored.isValid() || !stored.canConvert<T>()) return m_fallback;
    const T value = stored.value<T>();
    return isValid(value) ? value : m_fallback;
  }
  // Stores `value` (an invalid one is refused: false) and ends this run's override.
  bool set(const T& value) const {
    if (!isValid(value)) return false;
    m_override.reset();
    QSettings().setValue(m_key, QVariant::fromValue(value));
    return true;
  }
  void remove() const {
    m_override.reset();
    QSettings().remove(m_key);
  }
  // For this process only (a command-line option); false when `value` is invalid.
  bool overrideForThisRun(const T& value) const {
    if (!isValid(value)) return false;
    m_override = value;
    return true;
  }

 private:
  QString m_key;
  T m_fallback;
  Check m_valid;
  mutable std::optional<T> m_override;
};

// A family of settings under one prefix, one per name (a folder's session, for example).
template <typename T>
class SettingFamily {
 public:
  SettingFamily(QString prefix, T fallback) : m_prefix(std::move(prefix)), m_fallback(std::move(fallback)) {}
  Setting<T> at(const QString& name) const { return Setting<T>(m_prefix + name, m_fallback); }

 private:
  QString m_prefix;
  T m_fallback;
};

// The window and its tools.
const Setting<QByteArray>& windowGeometry();
const Setting<QByteArray>& windowState();
const Setting<QString>& theme();  // system, light or dark
const Setting<QString>& tool();   // a tool's id (ui/tools/ToolRegistry)
const Setting<int>& overlayAlpha();
const Setting<bool>& overlayOutlineOnly();
const Setting<bool>& brushAsPrompt();
const Setting<bool>& pointHoverPreview();
const Setting<int>& everythingPointsPerSide();
const Setting<bool>& everythingExclusive();
const Setting<int>& demoIdleSeconds();
const Setting<QStringList>& recentPhrases();

// Files and folders.
const Setting<QString>& lastFolder();
const Setting<QString>& lastProject();
const Setting<QStringList>& recentProjects();
const SettingFamily<QString>& sessionSavedAs();      // by the folder's key
const SettingFamily<QStringList>& sessionSources();  // by the implicit project's base name

// Images and memory.
const Setting<qlonglong>& maxImagePixels();
const Setting<qlonglong>& undoBudgetMegabytes();
// The pixel limit every image reader of the app obeys (maxImagePixels, or this run's
// `--max-pixels N`), checked on the header before anything is decoded.
io::ImageLimits imageLimits();

// The engine.
const Setting<QString>& engineBundle();
const Setting<QString>& engineDevice();     // auto, cpu or cuda
const Setting<QString>& enginePrecision();  // auto, fp32 or bf16
const Setting<QStringList>& recentBundles();
const Setting<QStringList>& trustedBundles();  // manifest SHA-256s

}  // namespace sam3::ui::settings
