#pragma once
// The engine's logging seam: Qt-free code reports through a sink that the app installs (the GUI
// forwards to its Qt logging categories). Without a sink, messages go to stderr.

#include <functional>
#include <string>

namespace sam3::platform {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, const std::string&)>;

void setLogSink(LogSink sink);
void logMessage(LogLevel level, const std::string& message);

}  // namespace sam3::platform
