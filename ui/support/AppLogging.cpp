#include "ui/support/AppLogging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <cstdio>

#include "engine/platform/EngineLog.h"
#include "ui/support/AppPaths.h"

Q_LOGGING_CATEGORY(lcApp, "sam3.app")
Q_LOGGING_CATEGORY(lcUi, "sam3.ui")
Q_LOGGING_CATEGORY(lcEngine, "sam3.engine")

namespace sam3::ui {
namespace {

constexpr qint64 kMaxLogBytes = 2 * 1024 * 1024;
constexpr int kKeptLogs = 3;

QMutex g_logMutex;
QFile* g_logFile = nullptr;
QtMessageHandler g_previousHandler = nullptr;

const char* typeName(QtMsgType type) {
  switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "critical";
    case QtFatalMsg: return "fatal";
  }
  return "?";
}

void handleMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  {
    QMutexLocker lock(&g_logMutex);
    if (g_logFile && g_logFile->isOpen()) {
      const QString line = QStringLiteral("%1 %2 %3: %4\n")
                               .arg(QDateTime::currentDateTime().toString(Qt::ISODateWithMs),
                                    QLatin1String(typeName(type)),
                                    QLatin1String(context.category ? context.category : "default"),
                                    message);
      g_logFile->write(line.toUtf8());
      g_logFile->flush();
    }
  }
  if (g_previousHandler) g_previousHandler(type, context, message);
}

void forwardEngineLog(sam3::platform::LogLevel level, const std::string& text) {
  const QString message = QString::fromStdString(text);
  switch (level) {
    case sam3::platform::LogLevel::Debug: qCDebug(lcEngine).noquote() << message; break;
    case sam3::platform::LogLevel::Info: qCInfo(lcEngine).noquote() << message; break;
    case sam3::platform::LogLevel::Warning: qCWarning(lcEngine).noquote() << message; break;
    case sam3::platform::LogLevel::Error: qCCritical(lcEngine).noquote() << message; break;
  }
}

}  // namespace

void rotateLogFile(const QString& path, qint64 maxBytes, int keep) {
  if (QFileInfo(path).size() <= maxBytes) return;
  QFile::remove(path + QLatin1Char('.') + QString::number(keep));
  for (int i = keep - 1; i >= 1; --i) {
    QFile::rename(path + QLatin1Char('.') + QString::number(i),
                  path + QLatin1Char('.') + QString::number(i + 1));
  }
  QFile::rename(path, path + QStringLiteral(".1"));
}

QString installLogging() {
  // Info messages are useful to users of a desktop tool; debug stays opt-in via QT_LOGGING_RULES.
  QLoggingCategory::setFilterRules(QStringLiteral("sam3.*.debug=false\nsam3.*.info=true"));
  QString path;
  const QString folder = appDataDirectory() + QStringLiteral("/logs");
  if (QDir().mkpath(folder)) {
    path = folder + QStringLiteral("/sam3-annotate.log");
    rotateLogFile(path, kMaxLogBytes, kKeptLogs);
    QMutexLocker lock(&g_logMutex);
    delete g_logFile;
    g_logFile = new QFile(path);
    if (!g_logFile->open(QIODevice::Append | QIODevice::Text)) {
      std::fprintf(stderr, "sam3-annotate: cannot write log file %s\n", qPrintable(path));
      path.clear();
    }
  }
  if (!g_previousHandler) g_previousHandler = qInstallMessageHandler(handleMessage);
  sam3::platform::setLogSink(&forwardEngineLog);
  return path;
}

}  // namespace sam3::ui
