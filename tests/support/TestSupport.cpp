#include "support/TestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <c10/util/Exception.h>

namespace sam3::test {

QString goldenDir() {
  const QString dir = qEnvironmentVariable("SAM3_GOLDEN_DIR");
  return !dir.isEmpty() && QFileInfo(dir + QStringLiteral("/README.md")).exists() ? dir : QString();
}

QString outputDir() {
  QString dir = qEnvironmentVariable("SAM3_TEST_OUTPUT_DIR");
  if (dir.isEmpty()) dir = QDir::tempPath() + QStringLiteral("/sam3-test-output");
  QDir().mkpath(dir);
  return dir;
}

QString systemPython() {
  const QString python = qEnvironmentVariable("SAM3_PYTHON", QStringLiteral("/usr/bin/python3"));
  return QFileInfo(python).isExecutable() ? python : QString();
}

bool pythonHasTorch() {
  static const bool hasTorch = [] {
    const QString python = systemPython();
    if (python.isEmpty()) return false;
    QProcess p;
    p.start(python, {QStringLiteral("-c"), QStringLiteral("import torch")});
    return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  }();
  return hasTorch;
}

QString makeFixtureBundle(const QString& dir, bool withVariants) {
  QStringList arguments{qEnvironmentVariable("SAM3_SOURCE_DIR") + QStringLiteral("/tools/make_fixture_bundle.py"), dir,
                        QStringLiteral("--ops-library"), qEnvironmentVariable("SAM3_OPS_LIBRARY")};
  const QString vocabulary = goldenDir() + QStringLiteral("/tokenizer/bpe_simple_vocab_16e6.txt.gz");
  if (!goldenDir().isEmpty() && QFileInfo::exists(vocabulary)) arguments << QStringLiteral("--vocabulary") << vocabulary;
  if (withVariants) arguments << QStringLiteral("--variants");
  QProcess python;
  python.setProcessChannelMode(QProcess::MergedChannels);
  python.start(systemPython(), arguments);
  if (!python.waitForFinished(300000)) return QStringLiteral("make_fixture_bundle.py did not finish");
  if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0) {
    return QStringLiteral("make_fixture_bundle.py failed: ") + QString::fromUtf8(python.readAll());
  }
  return {};
}

bool fixtureHasText(const QString& dir) { return QFileInfo::exists(dir + QStringLiteral("/text_encoder.pt")); }

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const c10::Error& e) {
    return QString::fromStdString(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace sam3::test
