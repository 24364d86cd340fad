#include "ui/MainActions.h"

#include <QAction>
#include <QActionGroup>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QDockWidget>
#include <QFileDialog>
#include <QImageReader>
#include <QMenuBar>
#include <QMessageBox>
#include <QToolBar>
#include <QUndoStack>
#include <functional>
#include <map>
#include <vector>

#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/controllers/BatchController.h"
#include "ui/controllers/FolderController.h"
#include "ui/controllers/ImportController.h"
#include "ui/controllers/ProjectController.h"
#include "ui/document/Document.h"
#include "ui/engine/EngineService.h"
#include "ui/session/LabelSession.h"
#include "ui/session/PromptSession.h"
#include "ui/support/SampleImages.h"
#include "ui/support/Settings.h"
#include "ui/tools/BrushTool.h"
#include "ui/tools/ToolRegistry.h"
#include "ui/widgets/StatusBarView.h"
#include "ui/widgets/TextPromptBar.h"

namespace sam3::ui {
namespace {

// One menu entry. `toolbarText` puts it on the toolbar with that label, at `toolbarOrder` (a
// new ten starts a new group); `toggled` makes it checkable (initially `checked`); `submenu`
// files it under a submenu of that title; `needs` enables it only while the engine has that
// capability (else the tooltip says what to load). An entry without text is a separator.
struct ActionSpec {
  QString text;
  QList<QKeySequence> keys;
  std::function<void()> run;
  const char* themeIcon = nullptr;
  const char* ourIcon = nullptr;
  QString toolbarText;
  int toolbarOrder = 0;
  std::function<void(bool)> toggled;
  bool checked = false;
  QString submenu;
  bool segment::Capabilities::*needs = nullptr;
};

// What to load for an action the engine cannot do now.
QString missingCapability(bool segment::Capabilities::*needs) {
  return needs == &segment::Capabilities::text
             ? QObject::tr("Needs a SAM3 model bundle with a text encoder (the classic engine has none): Tools ▸ Models…")
             : QObject::tr("Needs a SAM3 model bundle (the classic engine cannot): Tools ▸ Models…");
}

// A model-only action stays enabled: its key says what to load instead of doing nothing (a
// disabled T let the letters typed next reach the tool keys); its tooltip says so too.
void bindToCapability(QAction* a, MainWindow& w, bool segment::Capabilities::*needs, const std::function<void()>& run) {
  EngineService* engine = w.session()->engine();
  const QString text = a->text().remove(QLatin1Char('&')).remove(QStringLiteral("…"));
  auto update = [a, needs, text](const EngineDescription& d) { a->setToolTip(d.capabilities.*needs ? text : missingCapability(needs)); };
  QObject::connect(engine, &EngineService::engineChanged, a, update);
  update(engine->engine());
  QObject::connect(a, &QAction::triggered, &w, [&w, engine, needs, run] {
    if (engine->engine().capabilities.*needs) {
      run();
    } else {
      w.statusView()->showMessage(missingCapability(needs), 8000);
    }
  });
}

// An action's place on the toolbar, read back once every menu is built.
const char* const kToolbarOrder = "sam3ToolbarOrder";

// The desktop theme's icon when there is one, else ours (offscreen and minimal desktops have none).
QIcon iconFor(const ActionSpec& spec) {
  const QIcon ours = spec.ourIcon ? QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(spec.ourIcon))) : QIcon();
  return spec.themeIcon ? QIcon::fromTheme(QString::fromLatin1(spec.themeIcon), ours) : ours;
}

// Each sequence once: the same sequence twice on one action is an ambiguous shortcut, which Qt
// answers by firing nothing ("Ambiguous shortcut overload"; Redo had QKeySequence::Redo and
// Ctrl+Shift+Z, the same keys on X11).
QList<QKeySequence> distinct(const QList<QKeySequence>& keys) {
  QList<QKeySequence> out;
  for (const QKeySequence& key : keys)
    if (!key.isEmpty() && !out.contains(key)) out << key;
  return out;
}

QAction* addAction(MainWindow& w, QMenu* menu, const ActionSpec& spec) {
  QAction* a = menu->addAction(iconFor(spec), spec.text);
  a->setShortcuts(distinct(spec.keys));
  w.addAction(a);  // its shortcut works while the menu bar is hidden (demo mode is full screen without it)
  if (spec.toggled) {
    a->setCheckable(true);
    a->setChecked(spec.checked);
    QObject::connect(a, &QAction::toggled, &w, spec.toggled);
  } else if (spec.needs) {
    bindToCapability(a, w, spec.needs, spec.run);
  } else {
    QObject::connect(a, &QAction::triggered, &w, spec.run);
  }
  if (!spec.toolbarText.isEmpty()) {
    a->setIconText(spec.toolbarText);
    a->setProperty(kToolbarOrder, spec.toolbarOrder);
  }
  return a;
}

QMenu* addMenu(MainWindow& w, const QString& title, const std::vector<ActionSpec>& specs) {
  QMenu* menu = w.menuBar()->addMenu(title);
  std::map<QString, QMenu*> submenus;
  for (const ActionSpec& spec : specs) {
    QMenu* target = menu;
    if (!spec.submenu.isEmpty()) {
      QMenu*& sub = submenus[spec.submenu];
      if (!sub) sub = menu->addMenu(spec.submenu);
      target = sub;
    }
    if (spec.text.isEmpty()) {
      target->addSeparator();
    } else {
      addAction(w, target, spec);
    }
  }
  return menu;
}

QString imageFileFilter() {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats()) patterns << QStringLiteral("*.") + QString::fromLatin1(format);
  return QObject::tr("Images (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
}

QString lastFolder() { return settings::lastFolder().get(); }

void openWithDialog(MainWindow& w, const QString& path, const QString& failureTitle) {
  QString error;
  if (!path.isEmpty() && !w.openPath(path, &error)) QMessageBox::warning(&w, failureTitle, error);
}

void rebuildRecentMenu(MainWindow& w) {
  w.recentMenu->clear();
  const QStringList recent = w.projects()->recent();
  for (const QString& path : recent) {
    w.recentMenu->addAction(QDir::toNativeSeparators(path), &w, [&w, path] { openWithDialog(w, path, QObject::tr("Cannot open")); });
  }
  w.recentMenu->setEnabled(!recent.isEmpty());
}

void buildFileMenu(MainWindow& w) {
  ProjectController* projects = w.projects();
  QMenu* file = addMenu(w, QObject::tr("&File"),
          {{QObject::tr("&Open Image…"), {QKeySequence::Open},
            [&w] { openWithDialog(w, QFileDialog::getOpenFileName(&w, QObject::tr("Open Image"), lastFolder(), imageFileFilter()),
                                  QObject::tr("Cannot open image")); },
            "document-open", "open-image", QObject::tr("Open"), 10},
           {QObject::tr("Open &Folder…"), {QKeySequence(Qt::CTRL | Qt::Key_K)},
            [&w] { openWithDialog(w, QFileDialog::getExistingDirectory(&w, QObject::tr("Open Folder"), lastFolder()),
                                  QObject::tr("Cannot open folder")); },
            "folder-open", "open-folder", QObject::tr("Folder"), 11},
           {QObject::tr("Open &Project…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)}, [projects] { projects->openInteractive(); }},
           {QObject::tr("&Save Project"), {QKeySequence::Save}, [projects] { projects->saveInteractive(false); }, "document-save"},
           {QObject::tr("Save Project &As…"), {QKeySequence::SaveAs}, [projects] { projects->saveInteractive(true); }},
           {QObject::tr("&Export…"), {QKeySequence(Qt::CTRL | Qt::Key_E)}, [projects] { projects->openExportDialog(); }},
           {QObject::tr("&COCO File…"), {}, [&w] { w.imports()->importInteractive(ImportController::Format::Coco); }, nullptr, nullptr, {}, 0, {}, false, QObject::tr("&Import")},
           {QObject::tr("&labelme / X-AnyLabeling Folder…"), {}, [&w] { w.imports()->importInteractive(ImportController::Format::Labelme); }, nullptr, nullptr, {}, 0, {}, false, QObject::tr("&Import")},
           {QObject::tr("&YOLO-seg Labels…"), {}, [&w] { w.imports()->importInteractive(ImportController::Format::Yolo); }, nullptr, nullptr, {}, 0, {}, false, QObject::tr("&Import")},
           {},
           {QObject::tr("&Quit"), {QKeySequence::Quit}, [&w] { w.close(); }}});
  QAction* beforeProject = file->actions().at(2);
  w.recentMenu = new QMenu(QObject::tr("Open &Recent"), file);
  file->insertMenu(beforeProject, w.recentMenu);
  QMenu* samples = new QMenu(QObject::tr("Open &Sample"), file);
  const QList<SampleImage> bundled = sampleImages();
  for (int i = 0; i < bundled.size(); ++i) samples->addAction(bundled[i].title, &w, [&w, i] { w.openSample(i); });
  file->insertMenu(beforeProject, samples);
  file->insertSeparator(beforeProject);
  rebuildRecentMenu(w);
  QObject::connect(projects, &ProjectController::recentChanged, &w, [&w] { rebuildRecentMenu(w); });
}

void buildEditMenu(MainWindow& w) {
  LabelSession* s = w.session();
  QMenu* edit = w.menuBar()->addMenu(QObject::tr("&Edit"));
  QAction* undo = w.document()->undoStack()->createUndoAction(&w, QObject::tr("&Undo"));
  undo->setShortcuts(QKeySequence::Undo);
  undo->setIcon(iconFor({{}, {}, {}, "edit-undo", "undo"}));
  QAction* redo = w.document()->undoStack()->createRedoAction(&w, QObject::tr("&Redo"));
  // The platform's Redo keys plus both conventions (Ctrl+Y, Ctrl+Shift+Z) wherever they are not already.
  redo->setShortcuts(distinct(QKeySequence::keyBindings(QKeySequence::Redo) +
                              QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_Y), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)}));
  redo->setIcon(iconFor({{}, {}, {}, "edit-redo", "redo"}));
  edit->addActions({undo, redo});
  edit->addSeparator();
  addAction(w, edit, {QObject::tr("&Accept"), {QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)},
                      [s] { s->acceptSimilarCandidates() || s->acceptLiveMask(); }, "dialog-ok-apply", "accept", QObject::tr("Accept"), 30});
  undo->setIconText(QObject::tr("Undo"));
  redo->setIconText(QObject::tr("Redo"));
  undo->setProperty(kToolbarOrder, 31);
  redo->setProperty(kToolbarOrder, 32);
  const std::vector<ActionSpec> specs = {
      {QObject::tr("&Clear Prompt"), {QKeySequence(Qt::Key_Escape)}, [s, &w] {
         // In the demo, Esc with nothing in progress leaves it (the visitor's way out).
         if (w.demoMode() && s->prompt()->prompt().empty()) {
           w.setDemoMode(false);
           return;
         }
         s->clearPrompt();
         s->setSelection({});
       }},
      {QObject::tr("&Delete Selected"), {QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)}, [s] { s->deleteSelection(); }},
      {QObject::tr("&Merge Selected"), {QKeySequence(Qt::CTRL | Qt::Key_M)}, [s] { s->mergeSelection(); }},
      {QObject::tr("&Split Disconnected Parts"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M)}, [s] { s->splitSelection(); }}};
  for (const ActionSpec& spec : specs) addAction(w, edit, spec);
  // Tab cycles the candidate masks only while there are several: otherwise it moves the keyboard
  // focus, as everywhere (the docks' buttons were unreachable without a mouse).
  QAction* next = addAction(w, edit, {QObject::tr("Next &Candidate Mask"), {QKeySequence(Qt::Key_Tab)}, [s] { s->cycleCandidate(); }});
  next->setShortcutContext(Qt::WidgetShortcut);  // with the canvas focused: in a dock, Tab moves on
  w.canvas()->addAction(next);
  auto candidates = [next, s] { next->setEnabled(s->candidateCount() > 1); };
  QObject::connect(s, &LabelSession::liveChanged, next, candidates);
  candidates();
  QMenu* classMenu = edit->addMenu(QObject::tr("Set C&lass"));
  std::vector<QAction*> rows;
  for (int row = 0; row < 9; ++row) {
    rows.push_back(addAction(w, classMenu, {QObject::tr("Class %1").arg(row + 1), {QKeySequence(Qt::Key_1 + row)}, [s, row] { s->chooseCategoryRow(row); }}));
  }
  // The entries say the classes' names (keys 1-9 pick them in the order of the Classes dock).
  auto names = [rows, &w] {
    const auto& categories = w.document()->project().categories();
    auto category = categories.begin();
    for (size_t row = 0; row < rows.size(); ++row) {
      const bool exists = category != categories.end();
      rows[row]->setText(exists ? QString::fromStdString(category->second.name).replace(QLatin1Char('&'), QStringLiteral("&&"))
                                : QObject::tr("Class %1").arg(row + 1));
      rows[row]->setEnabled(exists);
      if (exists) ++category;
    }
  };
  QObject::connect(w.document(), &Document::categoriesChanged, classMenu, names);
  names();
}

void buildToolsMenu(MainWindow& w) {
  QMenu* tools = w.menuBar()->addMenu(QObject::tr("&Tools"));
  tools->setToolTipsVisible(true);  // a disabled action says what to load
  auto* group = new QActionGroup(&w);
  for (const ToolIdentity& tool : toolRegistry()) {
    QAction* a = addAction(w, tools, {tool.menuText(), {QKeySequence(tool.key)}, [&w, kind = tool.kind] { w.selectTool(kind); }, tool.themeIcon,
                                      tool.icon, tool.toolbarLabel(), 20 + int(tool.kind)});
    a->setCheckable(true);
    group->addAction(a);
    w.toolActions[tool.kind] = a;
  }
  LabelSession* s = w.session();
  const std::vector<ActionSpec> options = {
      {QObject::tr("Smaller Brush"), {QKeySequence(Qt::Key_BracketLeft)}, [&w] { w.brushTool()->shrink(); w.eraserTool()->shrink(); w.canvas()->update(); }},
      {QObject::tr("Larger Brush"), {QKeySequence(Qt::Key_BracketRight)}, [&w] { w.brushTool()->grow(); w.eraserTool()->grow(); w.canvas()->update(); }},
      {QObject::tr("Preview Mask on &Hover"), {}, {}, nullptr, nullptr, {}, 0, [s](bool on) { s->setHoverPreview(on); }, s->hoverPreview()},
      {QObject::tr("Brush Strokes Prompt the Engine"), {}, {}, nullptr, nullptr, {}, 0, [s](bool on) { s->setBrushAsPrompt(on); }, s->brushAsPrompt()},
      {QObject::tr("Find by &Text…"), {QKeySequence(Qt::Key_T)}, [&w] { w.textPromptBar()->focusPhrase(); }, nullptr, nullptr, {}, 0, {}, false, {},
       &segment::Capabilities::text},
      {QObject::tr("Label This Image with the &Class Names"), {QKeySequence(Qt::CTRL | Qt::Key_T)}, [s] { s->labelWithClassNames(); },
       nullptr, nullptr, {}, 0, {}, false, {}, &segment::Capabilities::text},
      {QObject::tr("Segment &Everything"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A)}, [s] { s->segmentEverything(); },
       nullptr, nullptr, {}, 0, {}, false, {}, &segment::Capabilities::everything},
      {QObject::tr("&Label Folder with These Exemplars…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F)}, [&w] { w.batch()->labelFolderWithExemplars(); }},
      {QObject::tr("Label the Folder with the Class &Names…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)},
       [&w] { w.batch()->labelFolderWithClassNames(); }, nullptr, nullptr, {}, 0, {}, false, {}, &segment::Capabilities::text},
      {QObject::tr("&Models…"), {}, [&w] { w.openModelManager(); }},  // Ctrl+M / Ctrl+Shift+M are merge and split
      {QObject::tr("Load SAM3 Model &Bundle…"), {}, [&w] {
         const QString dir = QFileDialog::getExistingDirectory(&w, QObject::tr("Load SAM3 Model Bundle"),
                                                               settings::engineBundle().get());
         if (!dir.isEmpty()) w.loadBundle(dir);
       }},
      {QObject::tr("Use &Classic Engine"), {}, [&w] { w.useClassicEngine(); }}};
  for (const ActionSpec& spec : options) addAction(w, tools, spec);
  // The precision of SAM3's heavy graphs; takes effect when a bundle is loaded next.
  QMenu* precisionMenu = tools->addMenu(QObject::tr("SAM3 &Precision"));
  auto* precisions = new QActionGroup(&w);
  const QString precision = settings::enginePrecision().get();
  const std::pair<QString, QString> precisionChoices[] = {
      {QStringLiteral("auto"), QObject::tr("Auto (bf16 where the CPU or GPU does it natively)")},
      {QStringLiteral("fp32"), QObject::tr("FP32")},
      {QStringLiteral("bf16"), QObject::tr("BF16 (emulated, and slower, on CPUs without AMX or AVX512-BF16)")}};
  for (const auto& [key, text] : precisionChoices) {
    precisions->addAction(addAction(w, precisionMenu, {text, {}, {}, nullptr, nullptr, {}, 0, [&w, key = key](bool on) {
                                                         if (!on) return;
                                                         settings::enginePrecision().set(key);
                                                         const QString bundle = settings::engineBundle().get();
                                                         if (!bundle.isEmpty()) w.loadBundle(bundle);  // reload in that precision
                                                       },
                                                       precision == key}));
  }
  QMenu* deviceMenu = tools->addMenu(QObject::tr("SAM3 &Device"));
  auto* devices = new QActionGroup(&w);
  const QString chosen = settings::engineDevice().get();
  for (const QString& device : {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}) {
    devices->addAction(addAction(w, deviceMenu, {device.toUpper(), {}, {}, nullptr, nullptr, {}, 0,
                                                 [device](bool on) { if (on) settings::engineDevice().set(device); },
                                                 chosen == device}));
  }
}

void buildGoAndViewMenus(MainWindow& w) {
  FolderController* f = w.folders();
  ImageCanvas* c = w.canvas();
  addMenu(w, QObject::tr("&Go"),
          {{QObject::tr("&Next Image"), {QKeySequence(Qt::Key_D), QKeySequence(Qt::Key_PageDown)}, [f] { f->nextImage(); }, "go-next", "go-next", QObject::tr("Next"), 13},
           {QObject::tr("&Previous Image"), {QKeySequence(Qt::Key_A), QKeySequence(Qt::Key_PageUp)}, [f] { f->previousImage(); }, "go-previous", "go-previous", QObject::tr("Previous"), 12},
           {QObject::tr("Next &Unfinished Image"), {QKeySequence(Qt::Key_N)}, [f] { f->nextUnfinishedImage(); }},
           {QObject::tr("Mark Image &Done"), {QKeySequence(Qt::CTRL | Qt::Key_D)}, [f] { f->markImageDone(true); }}});
  auto opacity = [&w](int percent) {
    return [&w, percent] {
      OverlayStyle style = w.overlayStyle();
      style.fillAlpha = percent * 255 / 100;
      w.setOverlayStyle(style);
    };
  };
  auto theme = [&w](const char* key) { return [&w, key] { w.applyTheme(QString::fromLatin1(key)); }; };
  const QString opacityMenu = QObject::tr("Mask &Opacity"), themeMenu = QObject::tr("&Theme");
  QMenu* view = addMenu(
      w, QObject::tr("&View"),
      {{QObject::tr("Zoom &In"), {QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)}, [c] { c->zoomIn(); }, "zoom-in", nullptr, QObject::tr("Zoom In"), 40},
       {QObject::tr("Zoom &Out"), {QKeySequence::ZoomOut}, [c] { c->zoomOut(); }, "zoom-out", nullptr, QObject::tr("Zoom Out"), 41},
       {QObject::tr("&Fit to Window"), {QKeySequence(Qt::CTRL | Qt::Key_0)}, [c] { c->fitToWindow(); }, "zoom-fit-best", nullptr, QObject::tr("Fit"), 42},
       {QObject::tr("&Actual Size"), {QKeySequence(Qt::CTRL | Qt::Key_1)}, [c] { c->zoomToActualSize(); }, "zoom-original", nullptr, QObject::tr("1:1"), 43},
       {},
       {QObject::tr("25%"), {}, opacity(25), nullptr, nullptr, {}, 0, {}, false, opacityMenu},
       {QObject::tr("45%"), {}, opacity(45), nullptr, nullptr, {}, 0, {}, false, opacityMenu},
       {QObject::tr("65%"), {}, opacity(65), nullptr, nullptr, {}, 0, {}, false, opacityMenu},
       {QObject::tr("85%"), {}, opacity(85), nullptr, nullptr, {}, 0, {}, false, opacityMenu},
       {QObject::tr("&Outlines Only"), {QKeySequence(Qt::Key_O)}, {}, nullptr, nullptr, {}, 0,
        [&w](bool on) { OverlayStyle style = w.overlayStyle(); style.outlineOnly = on; w.setOverlayStyle(style); }, w.overlayStyle().outlineOnly},
       {QObject::tr("System"), {}, theme("system"), nullptr, nullptr, {}, 0, {}, false, themeMenu},
       {QObject::tr("Light"), {}, theme("light"), nullptr, nullptr, {}, 0, {}, false, themeMenu},
       {QObject::tr("Dark"), {}, theme("dark"), nullptr, nullptr, {}, 0, {}, false, themeMenu},
       {},
       {QObject::tr("&Demo Mode"), {QKeySequence(Qt::Key_F11)}, {}, nullptr, nullptr, {}, 0, [&w](bool on) { w.setDemoMode(on); }}});
  // The demo's own panel has Start Over, Undo, Next and Leave: nothing demo-only in the window.
  for (QAction* a : view->actions()) {
    if (a->text() == QObject::tr("&Demo Mode")) QObject::connect(&w, &MainWindow::demoModeChanged, a, &QAction::setChecked);
  }
  view->addSeparator();
  for (QDockWidget* dock : w.findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
}

// Every menu entry with keys, by menu, read from the menus themselves (so the list is always
// the one the window has), plus the mouse gestures of the canvas.
void addShortcutRows(QTableWidget* table, QMenu* menu, const QString& path) {
  for (QAction* a : menu->actions()) {
    const QString text = a->text().remove(QLatin1Char('&'));
    if (a->menu()) {
      addShortcutRows(table, a->menu(), path + QStringLiteral(" ▸ ") + text);
      continue;
    }
    if (a->isSeparator() || a->shortcuts().isEmpty()) continue;
    QStringList keys;
    for (const QKeySequence& key : a->shortcuts()) keys << key.toString(QKeySequence::NativeText);
    const int row = table->rowCount();
    table->insertRow(row);
    table->setItem(row, 0, new QTableWidgetItem(keys.join(QObject::tr(" or "))));
    table->setItem(row, 1, new QTableWidgetItem(text));
    table->setItem(row, 2, new QTableWidgetItem(path));
  }
}

void showKeyboardShortcuts(MainWindow& w) {
  auto* dialog = new QDialog(&w);
  dialog->setObjectName(QStringLiteral("shortcutsDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(QObject::tr("Keyboard Shortcuts"));
  auto* table = new QTableWidget(0, 3, dialog);
  table->setHorizontalHeaderLabels({QObject::tr("Keys"), QObject::tr("Does"), QObject::tr("Menu")});
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->hide();
  const QList<std::pair<QString, QString>> mouse = {
      {QObject::tr("Left click"), QObject::tr("Point tool: include this spot")},
      {QObject::tr("Right click, Shift+click"), QObject::tr("Point tool: exclude this spot")},
      {QObject::tr("Drag"), QObject::tr("Box tool: a box; Brush and Eraser: paint; Find Similar: an exemplar")},
      {QObject::tr("Ctrl+wheel"), QObject::tr("Brush size")},
      {QObject::tr("Wheel"), QObject::tr("Zoom at the cursor (Shift+wheel: scroll sideways)")},
      {QObject::tr("Middle drag, Space+drag"), QObject::tr("Pan")}};
  for (const auto& [keys, does] : mouse) {
    const int row = table->rowCount();
    table->insertRow(row);
    table->setItem(row, 0, new QTableWidgetItem(keys));
    table->setItem(row, 1, new QTableWidgetItem(does));
    table->setItem(row, 2, new QTableWidgetItem(QObject::tr("Mouse")));
  }
  for (QAction* top : w.menuBar()->actions())
    if (top->menu()) addShortcutRows(table, top->menu(), top->text().remove(QLatin1Char('&')));
  table->resizeColumnsToContents();
  table->horizontalHeader()->setStretchLastSection(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(table);
  layout->addWidget(buttons);
  dialog->resize(720, 560);
  dialog->show();
}

void buildHelpMenu(MainWindow& w) {
  QMenu* help = w.menuBar()->addMenu(QObject::tr("&Help"));
  w.addAction(help->addAction(QObject::tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, &w, [&w] { showKeyboardShortcuts(w); }));
  help->addAction(QObject::tr("&About SAM3 Annotate"), &w, [&w] {
    QMessageBox::about(&w, QObject::tr("About SAM3 Annotate"),
                       QObject::tr("<h3>SAM3 Annotate %1</h3><p>Label images with points, boxes and brushes, "
                                   "segmented by Segment Anything Model 3 or the built-in classic engine.</p>")
                           .arg(QCoreApplication::applicationVersion()));
  });
}

}  // namespace

void buildMainActions(MainWindow& w) {
  w.toolbar = w.addToolBar(QObject::tr("Main"));
  w.toolbar->setObjectName(QStringLiteral("mainToolbar"));
  buildFileMenu(w);
  buildEditMenu(w);
  buildToolsMenu(w);
  buildGoAndViewMenus(w);
  buildHelpMenu(w);
  std::map<int, QAction*> toolbarItems;
  for (QAction* action : w.findChildren<QAction*>()) {
    if (action->property(kToolbarOrder).isValid()) toolbarItems[action->property(kToolbarOrder).toInt()] = action;
  }
  int group = -1;
  for (const auto& [order, action] : toolbarItems) {
    if (group >= 0 && order / 10 != group) w.toolbar->addSeparator();
    group = order / 10;
    w.toolbar->addAction(action);
  }
  // The concept tools (phrase, threshold, Everything) on a row of their own: at the end of the
  // main toolbar they went behind its overflow arrow on a 1000-pixel-wide window.
  w.addToolBarBreak();
  QToolBar* concepts = w.addToolBar(QObject::tr("Concepts"));
  concepts->setObjectName(QStringLiteral("conceptToolbar"));
  concepts->addWidget(w.textPromptBar());
}

}  // namespace sam3::ui
