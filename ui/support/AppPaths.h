#pragma once
// Where the application keeps its own files: ~/.local/share/sam3-annotate (logs, folder
// sessions). Not AppLocalDataLocation, which repeats the organisation and application names
// (~/.local/share/sam3-annotate/sam3-annotate). Follows QStandardPaths' test mode.

#include <QStandardPaths>
#include <QString>

namespace sam3::ui {

inline QString appDataDirectory() {
  return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/sam3-annotate");
}

}  // namespace sam3::ui
