#include "ui/tools/ToolRegistry.h"

#include <QCoreApplication>
#include <algorithm>

#include "ui/tools/BoxTool.h"
#include "ui/tools/BrushTool.h"
#include "ui/tools/PanTool.h"
#include "ui/tools/PointTool.h"
#include "ui/tools/SelectTool.h"
#include "ui/tools/SimilarTool.h"

namespace sam3::ui {
namespace {

template <typename Tool, typename... Args>
std::function<std::unique_ptr<CanvasTool>(const ToolContext&)> maker(Args... args) {
  return [args...](const ToolContext& context) -> std::unique_ptr<CanvasTool> { return std::make_unique<Tool>(args..., context); };
}

}  // namespace

QString ToolIdentity::menuText() const { return QCoreApplication::translate("Tools", text); }
QString ToolIdentity::toolbarLabel() const { return QCoreApplication::translate("Tools", label); }

const std::vector<ToolIdentity>& toolRegistry() {
  static const std::vector<ToolIdentity> tools = {
      {ToolKind::Point, "point", QT_TRANSLATE_NOOP("Tools", "&Point (left include, right/Shift exclude)"), QT_TRANSLATE_NOOP("Tools", "Point"),
       Qt::Key_P, "edit-select", "tool-point", maker<PointTool>()},
      {ToolKind::Box, "box", QT_TRANSLATE_NOOP("Tools", "&Box"), QT_TRANSLATE_NOOP("Tools", "Box"), Qt::Key_B, "draw-rectangle", "tool-box",
       maker<BoxTool>()},
      {ToolKind::Brush, "brush", QT_TRANSLATE_NOOP("Tools", "B&rush"), QT_TRANSLATE_NOOP("Tools", "Brush"), Qt::Key_R, "draw-brush", "tool-brush",
       maker<BrushTool>(false)},
      {ToolKind::Eraser, "eraser", QT_TRANSLATE_NOOP("Tools", "&Eraser"), QT_TRANSLATE_NOOP("Tools", "Eraser"), Qt::Key_E, "draw-eraser",
       "tool-eraser", maker<BrushTool>(true)},
      {ToolKind::Similar, "similar", QT_TRANSLATE_NOOP("Tools", "&Find Similar (drag exemplars)"), QT_TRANSLATE_NOOP("Tools", "Similar"), Qt::Key_F,
       "edit-find", "tool-similar", maker<SimilarTool>()},
      {ToolKind::Select, "select", QT_TRANSLATE_NOOP("Tools", "&Select / Edit"), QT_TRANSLATE_NOOP("Tools", "Select"), Qt::Key_V, "edit-select-all",
       "tool-select", maker<SelectTool>()},
      {ToolKind::Pan, "pan", QT_TRANSLATE_NOOP("Tools", "P&an"), QT_TRANSLATE_NOOP("Tools", "Pan"), Qt::Key_H, "transform-move", "tool-pan",
       maker<PanTool>()},
  };
  return tools;
}

const ToolIdentity& toolIdentity(ToolKind kind) {
  const auto& tools = toolRegistry();
  return *std::find_if(tools.begin(), tools.end(), [kind](const ToolIdentity& t) { return t.kind == kind; });
}

std::optional<ToolKind> toolById(const QString& id) {
  const auto& tools = toolRegistry();
  for (const ToolIdentity& tool : tools)
    if (id == QLatin1String(tool.id)) return tool.kind;
  bool isIndex = false;
  const int index = id.toInt(&isIndex);
  if (isIndex && index >= 0 && index < int(tools.size())) return ToolKind(index);
  return std::nullopt;
}

}  // namespace sam3::ui
