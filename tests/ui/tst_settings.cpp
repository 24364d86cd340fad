// The settings table (ui/support/Settings): what a damaged or hand-edited settings file reads
// as, what cannot be stored, and this run's overrides, which never reach the file.
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include "ui/support/Settings.h"
#include "ui/tools/ToolRegistry.h"

using namespace sam3::ui;

class TestSettings : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void init() { QSettings().clear(); }

  void storedValuesOutOfRangeOrOfTheWrongKindReadAsTheDefault() {
    QSettings().setValue(QStringLiteral("engine/device"), QStringLiteral("gpu"));
    QSettings().setValue(QStringLiteral("overlay/alpha"), 999);
    QSettings().setValue(QStringLiteral("everything/pointsPerSide"), QStringLiteral("many"));
    QSettings().setValue(QStringLiteral("images/maxPixels"), 0);
    QCOMPARE(settings::engineDevice().get(), QStringLiteral("auto"));
    QCOMPARE(settings::overlayAlpha().get(), 115);
    QCOMPARE(settings::everythingPointsPerSide().get(), 32);
    QCOMPARE(settings::maxImagePixels().get(), qlonglong(400'000'000));
    QSettings().setValue(QStringLiteral("engine/device"), QStringLiteral("cpu"));
    QCOMPARE(settings::engineDevice().get(), QStringLiteral("cpu"));
  }

  void anInvalidValueIsRefusedAndNotStored() {
    QVERIFY(settings::enginePrecision().set(QStringLiteral("bf16")));
    QVERIFY(!settings::enginePrecision().set(QStringLiteral("fp8")));
    QCOMPARE(QSettings().value(QStringLiteral("engine/precision")).toString(), QStringLiteral("bf16"));
    QVERIFY(!settings::maxImagePixels().set(-5));
  }

  void thisRunsOverrideIsReadButNeverWritten() {
    QVERIFY(settings::engineDevice().set(QStringLiteral("cuda")));
    QVERIFY(settings::engineDevice().overrideForThisRun(QStringLiteral("cpu")));
    QCOMPARE(settings::engineDevice().get(), QStringLiteral("cpu"));
    QCOMPARE(QSettings().value(QStringLiteral("engine/device")).toString(), QStringLiteral("cuda"));
    QVERIFY(!settings::engineDevice().overrideForThisRun(QStringLiteral("tpu")));
    // A choice made in the window ends the override and is kept.
    QVERIFY(settings::engineDevice().set(QStringLiteral("auto")));
    QCOMPARE(settings::engineDevice().get(), QStringLiteral("auto"));
    QCOMPARE(QSettings().value(QStringLiteral("engine/device")).toString(), QStringLiteral("auto"));
  }

  void familiesKeepOneValuePerName() {
    settings::sessionSavedAs().at(QStringLiteral("a")).set(QStringLiteral("/p/a.sam3proj"));
    settings::sessionSavedAs().at(QStringLiteral("b")).set(QStringLiteral("/p/b.sam3proj"));
    QCOMPARE(settings::sessionSavedAs().at(QStringLiteral("a")).get(), QStringLiteral("/p/a.sam3proj"));
    settings::sessionSavedAs().at(QStringLiteral("a")).remove();
    QCOMPARE(settings::sessionSavedAs().at(QStringLiteral("a")).get(), QString());
    QCOMPARE(settings::sessionSavedAs().at(QStringLiteral("b")).get(), QStringLiteral("/p/b.sam3proj"));
  }

  void toolsAreStoredByIdAndTheOldIntegersStillRead() {
    QStringList ids;
    QList<int> keys;
    for (const ToolIdentity& tool : toolRegistry()) {
      QCOMPARE(toolById(QString::fromLatin1(tool.id)), std::optional<ToolKind>(tool.kind));
      ids << QString::fromLatin1(tool.id);
      keys << int(tool.key);
    }
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ids.size());  // ids and keys are unique
    QCOMPARE(QSet<int>(keys.begin(), keys.end()).size(), keys.size());
    QCOMPARE(toolById(QStringLiteral("3")), std::optional<ToolKind>(ToolKind::Eraser));  // settings before December 2026
    QCOMPARE(toolById(QStringLiteral("lasso")), std::optional<ToolKind>());
    QCOMPARE(toolById(QStringLiteral("99")), std::optional<ToolKind>());
  }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
