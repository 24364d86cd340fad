#pragma once
// What a canvas tool acts on: the document (its undo stack takes the tool's commands), the
// labelling session (prompt, selection, candidates) and the view. Tools own their behaviour
// and never call back into the window.

namespace sam3::ui {

class Document;
class ImageCanvas;
class LabelSession;

struct ToolContext {
  Document* document = nullptr;
  LabelSession* session = nullptr;
  ImageCanvas* view = nullptr;
};

}  // namespace sam3::ui
