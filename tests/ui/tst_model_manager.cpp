// Tools ▸ Models: with nothing installed the first-run help shows the three steps; the fixture
// bundle, a damaged copy of it and an unreadable one are listed from the models folder with what
// their manifests say; Verify passes the fixture and names the damaged file of the copy; Use
// loads the chosen bundle; the bundle loaded last is listed as recent.

#include <QCryptographicHash>
#include <QDir>
#include <QTemporaryDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include "GuiHarness.h"
#include "support/TestSupport.h"
#include "ui/engine/BundleTrust.h"
#include "ui/models/ModelLibrary.h"
#include "ui/models/ModelManagerDialog.h"

using namespace sam3;
using namespace sam3::test;

namespace {

bool copyFolder(const QString& from, const QString& to) {
  if (!QDir().mkpath(to)) return false;
  for (const QFileInfo& f : QDir(from).entryInfoList(QDir::Files))
    if (!QFile::copy(f.absoluteFilePath(), QDir(to).filePath(f.fileName()))) return false;
  return true;
}

}  // namespace

class TestModelManager : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QDir(ui::ModelLibrary::modelsFolder()).removeRecursively();
    QSettings().clear();
  }

  void firstRunExplainsHowToGetSam3() {
    MainWindow w;
    w.show();
    ui::ModelManagerDialog* dialog = w.openModelManager();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto* help = dialog->findChild<QLabel*>(QStringLiteral("firstRunHelp"));
    QVERIFY(help && help->isVisible());
    QVERIFY(help->text().contains(QStringLiteral("huggingface.co/facebook/sam3")) &&
            help->text().contains(QStringLiteral("export_sam3_bundle.py")) && help->text().contains(QStringLiteral("classic engine")));
    QCOMPARE(dialog->table()->rowCount(), 0);
    QVERIFY(dialog->grab().save(outputDir() + QStringLiteral("/model_manager_first_run.png")));
  }

  void trustIsRememberedByTheManifestsRealHash() {
    // Trust is keyed by the SHA-256 of manifest.json; a bundle trusted by an earlier version
    // (under the manifest's bytes in hex) stays trusted and is re-keyed by its hash.
    QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("b.sam3bundle"))));
    const QString bundle = dir.filePath(QStringLiteral("b.sam3bundle"));
    const QByteArray manifest = R"({"format": "sam3-annotate-bundle", "version": 1, "name": "tiny", "producer": {"exporter": "hand"},
      "image": {"size": 1008, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
      "files": {"backbone": {"path": "b.pt", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}, "grounding_head": {"path": "g.pt", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"},
                "weights": {"path": "w.safetensors", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}}, "ops": [], "geometry_encoder": {}, "interactive": {}})";
    QFile file(QDir(bundle).filePath(QStringLiteral("manifest.json")));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(manifest) == manifest.size());
    file.close();
    const ui::BundleIdentity identity = ui::BundleTrust::describe(bundle);
    QVERIFY2(identity.error.isEmpty(), qPrintable(identity.error));
    QCOMPARE(identity.manifestSha256, QString::fromLatin1(QCryptographicHash::hash(manifest, QCryptographicHash::Sha256).toHex()));
    QSettings().setValue(QStringLiteral("bundles/trusted"), QStringList{QString::fromLatin1(manifest.toHex())});
    QVERIFY(ui::BundleTrust::isTrusted(identity));
    QCOMPARE(QSettings().value(QStringLiteral("bundles/trusted")).toStringList(), QStringList{identity.manifestSha256});
    QSettings().remove(QStringLiteral("bundles/trusted"));
    QVERIFY(!ui::BundleTrust::isTrusted(identity));
  }

  void listsVerifiesAndUsesBundles() {
    if (!pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    const QString models = ui::ModelLibrary::modelsFolder();
    const QString fixture = models + QStringLiteral("/fixture.sam3bundle");
    const QString error = makeFixtureBundle(fixture);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // A damaged copy (one byte of its weights changed) and one whose manifest is not a manifest.
    const QString damaged = models + QStringLiteral("/damaged.sam3bundle");
    QVERIFY(copyFolder(fixture, damaged));
    QFile weights(QDir(damaged).filePath(QStringLiteral("weights.safetensors")));
    QVERIFY(weights.open(QIODevice::ReadWrite));
    weights.seek(weights.size() - 1);
    char last = 0;
    weights.getChar(&last);
    weights.seek(weights.size() - 1);
    weights.putChar(char(last ^ 0x5a));
    weights.close();
    QVERIFY(QDir().mkpath(models + QStringLiteral("/unreadable.sam3bundle")));
    QFile manifest(models + QStringLiteral("/unreadable.sam3bundle/manifest.json"));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write("{\"format\": \"something else\"}");
    manifest.close();

    MainWindow w;
    w.resize(1000, 700);
    w.show();
    ui::ModelManagerDialog* dialog = w.openModelManager();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QVERIFY(!dialog->findChild<QLabel*>(QStringLiteral("firstRunHelp"))->isVisible());
    QCOMPARE(dialog->table()->rowCount(), 3);  // damaged, fixture, unreadable (by name)
    QCOMPARE(dialog->table()->item(0, 0)->text(), dialog->entries()[0].name);
    QVERIFY(dialog->entries()[0].bytes > 0 && dialog->entries()[1].error.isEmpty());
    QVERIFY(!dialog->entries()[2].error.isEmpty());
    QCOMPARE(dialog->table()->item(1, 2)->text(), QStringLiteral("1.13"));

    QSignalSpy verified(dialog, &ui::ModelManagerDialog::verified);
    dialog->table()->selectRow(1);  // the fixture
    dialog->verifySelected();
    QVERIFY(verified.wait(60000));
    QCOMPARE(verified.last().at(1).toString(), QString());
    QVERIFY(dialog->table()->item(1, 4)->text().contains(QStringLiteral("every file matches")));
    dialog->table()->selectRow(0);  // the damaged copy
    dialog->verifySelected();
    QVERIFY(verified.wait(60000));
    QVERIFY2(verified.last().at(1).toString().contains(QStringLiteral("weights.safetensors does not match")),
             qPrintable(verified.last().at(1).toString()));
    dialog->table()->selectRow(2);  // unreadable: nothing to verify or use
    for (QPushButton* b : dialog->findChildren<QPushButton*>()) {
      if (b->text().remove(QLatin1Char('&')) == QStringLiteral("Verify") || b->text().remove(QLatin1Char('&')) == QStringLiteral("Use")) {
        QVERIFY(!b->isEnabled());
      }
    }
    QVERIFY(dialog->grab().save(outputDir() + QStringLiteral("/model_manager.png")));

    // Use: the fixture loads (trusted beforehand: the trust dialog is tested in tst_gui_workflows).
    ui::BundleTrust::trust(ui::BundleTrust::describe(fixture));
    dialog->table()->selectRow(1);
    QSignalSpy changed(w.engineService(), &ui::EngineService::engineChanged);
    for (QPushButton* b : dialog->findChildren<QPushButton*>())
      if (b->text().remove(QLatin1Char('&')) == QStringLiteral("Use")) b->click();
    QVERIFY(changed.wait(60000));
    QVERIFY(w.engineService()->engine().name.contains(QStringLiteral("SAM3")));
    QCOMPARE(QSettings().value(QStringLiteral("bundles/recent")).toStringList().value(0), QFileInfo(fixture).absoluteFilePath());
    QSettings().remove(QStringLiteral("engine/bundle"));
    QDir(models).removeRecursively();
  }
};

QTEST_MAIN(TestModelManager)
#include "tst_model_manager.moc"
