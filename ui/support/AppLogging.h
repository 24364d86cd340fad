#pragma once
// Logging categories and the process-wide message handler: console plus a rotating file under
// the XDG data folder. The engine's log sink is forwarded to the `sam3.engine` category.

#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcApp)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
Q_DECLARE_LOGGING_CATEGORY(lcEngine)

namespace sam3::ui {

// Installs the handler and the engine sink. Returns the log file's path (empty when the log
// folder cannot be written; console logging still works).
QString installLogging();

// Rotates `path` when it exceeds `maxBytes`: path -> path.1 -> ... -> path.<keep>.
void rotateLogFile(const QString& path, qint64 maxBytes, int keep);

}  // namespace sam3::ui
