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
