#include "ui/support/Settings.h"

#include "engine/io/ImageLimits.h"

namespace sam3::ui::settings {
namespace {

template <typename T>
Setting<T> plain(const char* key, T fallback = T()) {
  return Setting<T>(QString::fromLatin1(key), std::move(fallback));
}

template <typename T>
Setting<T> between(const char* key, T fallback, T low, T high) {
  return Setting<T>(QString::fromLatin1(key), fallback, [low, high](const T& v) { return v >= low && v <= high; });
}

Setting<QString> oneOf(const char* key, const char* fallback, QStringList choices) {
  return Setting<QString>(QString::fromLatin1(key), QString::fromLatin1(fallback), [choices](const QString& v) { return choices.contains(v); });
}

}  // namespace

// clang-format off
const Setting<QByteArray>& windowGeometry() { static const auto s = plain<QByteArray>("mainWindow/geometry"); return s; }
const Setting<QByteArray>& windowState() { static const auto s = plain<QByteArray>("mainWindow/state"); return s; }
const Setting<QString>& theme() { static const auto s = oneOf("theme", "system", {"system", "light", "dark"}); return s; }
// Stored as the tool's id; the range of ids is the tool registry's to check (unknown: Point).
const Setting<QString>& tool() { static const auto s = plain<QString>("tool"); return s; }
const Setting<int>& overlayAlpha() { static const auto s = between("overlay/alpha", 115, 0, 255); return s; }
const Setting<bool>& overlayOutlineOnly() { static const auto s = plain("overlay/outlineOnly", false); return s; }
const Setting<bool>& brushAsPrompt() { static const auto s = plain("brush/asPrompt", false); return s; }
const Setting<bool>& pointHoverPreview() { static const auto s = plain("point/hoverPreview", false); return s; }
const Setting<int>& everythingPointsPerSide() { static const auto s = between("everything/pointsPerSide", 32, 4, 128); return s; }
const Setting<bool>& everythingExclusive() { static const auto s = plain("everything/exclusive", true); return s; }
const Setting<int>& demoIdleSeconds() { static const auto s = between("demo/idleSeconds", 180, 5, 24 * 3600); return s; }
const Setting<QStringList>& recentPhrases() { static const auto s = plain<QStringList>("text/recentPhrases"); return s; }

const Setting<QString>& lastFolder() { static const auto s = plain<QString>("lastFolder"); return s; }
const Setting<QString>& lastProject() { static const auto s = plain<QString>("lastProject"); return s; }
const Setting<QStringList>& recentProjects() { static const auto s = plain<QStringList>("recent"); return s; }
const SettingFamily<QString>& sessionSavedAs() { static const SettingFamily<QString> s(QStringLiteral("sessions/savedAs/"), QString()); return s; }
const SettingFamily<QStringList>& sessionSources() { static const SettingFamily<QStringList> s(QStringLiteral("sessions/source/"), QStringList()); return s; }

const Setting<qlonglong>& maxImagePixels() { static const auto s = between<qlonglong>("images/maxPixels", io::kDefaultMaxImagePixels, 1, qlonglong(1) << 40); return s; }
const Setting<qlonglong>& undoBudgetMegabytes() { static const auto s = between<qlonglong>("undo/budgetMB", 256, 1, qlonglong(1) << 20); return s; }

const Setting<QString>& engineBundle() { static const auto s = plain<QString>("engine/bundle"); return s; }
const Setting<QString>& engineDevice() { static const auto s = oneOf("engine/device", "auto", {"auto", "cpu", "cuda"}); return s; }
const Setting<QString>& enginePrecision() { static const auto s = oneOf("engine/precision", "auto", {"auto", "fp32", "bf16"}); return s; }
const Setting<QStringList>& recentBundles() { static const auto s = plain<QStringList>("bundles/recent"); return s; }
const Setting<QStringList>& trustedBundles() { static const auto s = plain<QStringList>("bundles/trusted"); return s; }
// clang-format on

io::ImageLimits imageLimits() {
  io::ImageLimits limits;
  limits.maxPixels = maxImagePixels().get();
  limits.setting = "sam3-annotate --max-pixels N (the setting images/maxPixels)";
  return limits;
}

}  // namespace sam3::ui::settings
