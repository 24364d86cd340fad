#pragma once
// Every canvas tool's identity in one table: its stored id, menu text, toolbar label, key,
// icons and how to make it. The window builds its tools, the Tools menu and the toolbar from
// this table, and the tool setting stores the id; adding a tool is a class and one entry here.

#include <QString>
#include <Qt>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "ui/canvas/CanvasTool.h"
#include "ui/tools/ToolContext.h"

namespace sam3::ui {

enum class ToolKind { Point, Box, Brush, Eraser, Similar, Select, Pan };

struct ToolIdentity {
  ToolKind kind;
  const char* id;     // stored in the settings; never translated, never renamed
  const char* text;   // menu entry (QT_TRANSLATE_NOOP("Tools", ...))
  const char* label;  // toolbar label
  Qt::Key key;
  const char* themeIcon;  // the desktop theme's icon, if it has one
  const char* icon;       // ours (resources/icons/NAME.svg)
  std::function<std::unique_ptr<CanvasTool>(const ToolContext&)> make;

  QString menuText() const;
  QString toolbarLabel() const;
};

// In toolbar order.
const std::vector<ToolIdentity>& toolRegistry();
const ToolIdentity& toolIdentity(ToolKind kind);
// The tool stored under `id`, or under its position in the table (settings written before
// December 2026 stored the enum's integer); nothing for anything else.
std::optional<ToolKind> toolById(const QString& id);

}  // namespace sam3::ui
